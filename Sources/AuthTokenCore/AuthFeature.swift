import AuthTokenStore
import Foundation

/// A feature service: one purpose (tokens, the check, sign-in, …) over the shared
/// `AuthCore`. The rules several services use (the throttle, the activity log, creation
/// notices, expiry arithmetic, the first and second factor) are written once, in
/// extensions of this protocol, in the files named after them.
protocol AuthFeature: Sendable {
    var core: AuthCore { get }
}

extension AuthFeature {
    var store: any AuthStore { core.store }
    var settings: AuthSettings { core.settings }
    var hasher: PasswordHasher { core.hasher }
    var usage: UsageRecorder { core.usage }
    var notices: NoticeOutbox { core.notices }
    var now: @Sendable () -> Date { core.now }
    var appPasswordKey: AppPasswordKey { core.appPasswordKey }
    var previousAppPasswordKey: AppPasswordKey? { core.previousAppPasswordKey }
    var decoyHash: String { core.decoyHash }
    var deviceCookies: DeviceCookie? { core.deviceCookies }
    var throttle: Throttle { Throttle(core: core) }
    var twoFactor: TwoFactorService { TwoFactorService(core: core) }
    var passkeys: PasskeyService { PasskeyService(core: core) }
}
