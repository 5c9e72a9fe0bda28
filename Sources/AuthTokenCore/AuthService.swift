import AuthTokenStore
import Foundation

/// The auth core: accounts, passwords and tokens, over any `AuthStore`, as feature services
/// that share one store and one throttle (`AuthCore`).
///
/// It knows nothing of HTTP. Each method runs on the calling thread and may block it
/// (the database, or waiting for its turn on the `PasswordQueue`); the servers give every
/// request its own thread.
public final class AuthService: Sendable {
    /// The token check that guards other services, and readiness.
    public let check: CheckService
    /// Creating, listing, renewing, rotating and removing tokens; `/apiauthtoken/self`.
    public let tokens: TokenService
    /// Browser sign-in, sessions and their list.
    public let sessions: SessionService
    /// TOTP and recovery codes.
    public let twoFactor: TwoFactorService
    /// Security keys and passkeys (WebAuthn) as a second factor.
    public let passkeys: PasskeyService
    /// An owner's application passwords.
    public let appPasswords: AppPasswordService
    /// Accounts, registration, passwords and their reset.
    public let accounts: AccountService
    /// The activity log.
    public let activity: ActivityService
    /// The administrator's pages and commands.
    public let admin: AdminService
    /// The one throttle every password or code check goes through.
    public let throttle: Throttle
    /// The background sweeps and reminders.
    public let housekeeping: Housekeeping
    /// Sign-in against an LDAP directory, its accounts and their sync (docs/directory.md).
    public let directory: DirectoryService

    let core: AuthCore

    public var settings: AuthSettings { core.settings }
    public var hasher: PasswordHasher { core.hasher }
    /// Last-used times noted by the token check, written to the store in batches.
    public var usage: UsageRecorder { core.usage }
    /// E-mails to account owners that the core decides to send (see `NoticeOutbox`).
    public var notices: NoticeOutbox { core.notices }
    /// Signs and checks device cookies; nil without a secret key (see `DeviceCookie`).
    public var deviceCookies: DeviceCookie? { core.deviceCookies }
    /// Blocks this process started (each also has its activity entry), for metrics.
    public var blocksStartedCount: Int { core.blocksStarted.load(ordering: .relaxed) }

    /// `directory`: the LDAP client (`LDAPDirectory`), used when `settings.directory` is on.
    public init(
        store: any AuthStore, settings: AuthSettings, directory: (any Directory)? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        let core = AuthCore(store: store, settings: settings, directory: directory, now: now)
        self.core = core
        check = CheckService(core: core)
        tokens = TokenService(core: core)
        sessions = SessionService(core: core)
        twoFactor = TwoFactorService(core: core)
        appPasswords = AppPasswordService(core: core)
        passkeys = PasskeyService(core: core)
        accounts = AccountService(core: core)
        activity = ActivityService(core: core)
        admin = AdminService(core: core)
        throttle = Throttle(core: core)
        housekeeping = Housekeeping(core: core)
        self.directory = DirectoryService(core: core)
    }
}

// The services, each in `<Service>.swift` and `<Service>+<Feature>.swift`; the rules
// several of them use are in `AuthFeature+<Rule>.swift`.
public struct CheckService: AuthFeature { let core: AuthCore }
public struct TokenService: AuthFeature { let core: AuthCore }
public struct SessionService: AuthFeature { let core: AuthCore }
public struct TwoFactorService: AuthFeature { let core: AuthCore }
public struct AppPasswordService: AuthFeature { let core: AuthCore }
public struct PasskeyService: AuthFeature { let core: AuthCore }
public struct AccountService: AuthFeature { let core: AuthCore }
public struct ActivityService: AuthFeature { let core: AuthCore }
public struct AdminService: AuthFeature { let core: AuthCore }
public struct Throttle: AuthFeature { let core: AuthCore }
public struct Housekeeping: AuthFeature { let core: AuthCore }
public struct DirectoryService: AuthFeature { let core: AuthCore }
