import AuthTokenStore
import Foundation
import Synchronization

/// What every feature service shares: the one store, the settings, the password hasher and
/// its queue, the clock, the usage recorder, the notice outbox and the keys. Made once by
/// `AuthService`; the services hold it and reach it through `AuthFeature`.
final class AuthCore: Sendable {
    /// Only the core talks to the store: the web layer and the admin CLI go through the
    /// services, so rules and the activity log cannot be bypassed.
    let store: any AuthStore
    let settings: AuthSettings
    let hasher: PasswordHasher
    /// Last-used times noted by the token check, written to the store in batches.
    let usage: UsageRecorder
    /// E-mails to account owners that the core decides to send (see `NoticeOutbox`).
    let notices = NoticeOutbox()
    let now: @Sendable () -> Date
    /// Keys the look-up digests of application passwords.
    let appPasswordKey: AppPasswordKey
    /// The look-up key of the previous `AUTHTOKEN_SECRET_KEY`, during a rotation.
    let previousAppPasswordKey: AppPasswordKey?
    /// What a password for an e-mail no account has is checked against: a hash of a random
    /// value with the configured parameters, made at start, so that the check costs the
    /// same as for a real account and never matches.
    let decoyHash: String
    /// Blocks this process started (each also has its activity entry), for metrics.
    let blocksStarted = Atomic<Int>(0)
    /// Signs and checks device cookies; nil without a secret key (see `DeviceCookie`).
    let deviceCookies: DeviceCookie?
    /// The LDAP client; used only when `settings.directory` is on (`DirectoryService`).
    let directory: (any Directory)?

    init(store: any AuthStore, settings: AuthSettings, directory: (any Directory)?, now: @escaping @Sendable () -> Date) {
        self.directory = directory
        self.store = store
        self.settings = settings
        self.hasher = PasswordHasher(parameters: settings.argon2, queue: PasswordQueue(limits: settings.passwordQueue))
        self.appPasswordKey = AppPasswordKey(secretBox: settings.secretBox)
        self.previousAppPasswordKey = AppPasswordKey.previous(of: settings.secretBox)
        self.decoyHash = PasswordHasher.hashNow(RandomSecret.generate().value, parameters: settings.argon2)
        self.deviceCookies = DeviceCookie(secretBox: settings.secretBox)
        self.usage = UsageRecorder(store: store)
        self.now = now
    }
}
