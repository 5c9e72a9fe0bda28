import AuthTokenStore

/// What the core needs from the configuration. The configuration module builds and
/// validates it; tests build it directly.
public struct AuthSettings: Sendable {
    /// Most tokens one account may hold at once (the legacy service allowed 10).
    public var maxTokensPerAccount: Int
    public var scopes: ScopeList
    public var argon2: Argon2Parameters
    /// Most Argon2 hashes computed at once, across all worker threads.
    public var maxConcurrentHashes: Int
    /// Web sign-in: session timeouts and confirmation-link lifetime.
    public var sessions: SessionSettings
    /// Seals TOTP secrets (`AUTHTOKEN_SECRET_KEY`); nil: two-factor cannot be used.
    public var secretBox: SecretBox?
    /// Failed passwords and codes: how many, within what time, block for how long.
    public var throttle: ThrottleRule

    public init(
        maxTokensPerAccount: Int = 10,
        scopes: ScopeList,
        argon2: Argon2Parameters = .minimum,
        maxConcurrentHashes: Int = 2,
        sessions: SessionSettings = SessionSettings(),
        secretBox: SecretBox? = nil,
        throttle: ThrottleRule = ThrottleRule()
    ) {
        self.maxTokensPerAccount = maxTokensPerAccount
        self.scopes = scopes
        self.argon2 = argon2
        self.maxConcurrentHashes = maxConcurrentHashes
        self.sessions = sessions
        self.secretBox = secretBox
        self.throttle = throttle
    }
}
