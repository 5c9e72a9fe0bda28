import Foundation

import AuthTokenStore

/// What the core needs from the configuration. The configuration module builds and
/// validates it; tests build it directly.
public struct AuthSettings: Sendable {
    /// Most tokens one account may hold at once (the legacy service allowed 10).
    public var maxTokensPerAccount: Int
    public var scopes: ScopeList
    public var argon2: Argon2Parameters
    /// Password work: hashes at once, jobs that may wait, and how long (`PasswordQueue`).
    public var passwordQueue: PasswordQueue.Limits
    /// Most application passwords one account may hold.
    public var maxAppPasswordsPerAccount: Int
    /// Web sign-in: session timeouts and confirmation-link lifetime.
    public var sessions: SessionSettings
    /// Seals TOTP secrets (`AUTHTOKEN_SECRET_KEY`); nil: two-factor cannot be used.
    public var secretBox: SecretBox?
    /// Failed passwords and codes: how many, within what time, block for how long.
    public var throttle: ThrottleRule
    /// Activity entries older than this are removed (`sweep`); nil keeps them.
    public var activityRetention: TimeInterval?
    /// The longest lifetime a new, renewed or rotated token value may get, in days
    /// (`AUTHTOKEN_MAX_TOKEN_LIFETIME_DAYS`); nil: permanent tokens are allowed (legacy).
    public var maxTokenLifetimeDays: Int?
    /// How long a value rotated out of a token keeps working (`AUTHTOKEN_ROTATION_GRACE_SECONDS`).
    public var rotationGrace: TimeInterval
    /// Whether owners get an e-mail when a token or an application password is created
    /// (`AUTHTOKEN_CREATION_NOTICES`).
    public var creationNotices: Bool
    /// Security keys and passkeys; nil without `AUTHTOKEN_PUBLIC_URL` (they are bound to it).
    public var passkeys: PasskeySettings?
    /// Sign-in against a directory and its sync; nil: local accounts only (docs/directory.md).
    public var directory: DirectorySettings?

    public init(
        maxTokensPerAccount: Int = 10,
        scopes: ScopeList,
        argon2: Argon2Parameters = .minimum,
        passwordQueue: PasswordQueue.Limits = PasswordQueue.Limits(),
        maxAppPasswordsPerAccount: Int = 20,
        sessions: SessionSettings = SessionSettings(),
        secretBox: SecretBox? = nil,
        throttle: ThrottleRule = ThrottleRule(),
        activityRetention: TimeInterval? = 365 * 86400,
        maxTokenLifetimeDays: Int? = nil,
        rotationGrace: TimeInterval = 3600,
        creationNotices: Bool = true,
        passkeys: PasskeySettings? = nil,
        directory: DirectorySettings? = nil
    ) {
        self.passkeys = passkeys
        self.directory = directory
        self.creationNotices = creationNotices
        self.rotationGrace = rotationGrace
        self.maxTokenLifetimeDays = maxTokenLifetimeDays
        self.activityRetention = activityRetention
        self.maxTokensPerAccount = maxTokensPerAccount
        self.scopes = scopes
        self.argon2 = argon2
        self.passwordQueue = passwordQueue
        self.maxAppPasswordsPerAccount = maxAppPasswordsPerAccount
        self.sessions = sessions
        self.secretBox = secretBox
        self.throttle = throttle
    }
}
