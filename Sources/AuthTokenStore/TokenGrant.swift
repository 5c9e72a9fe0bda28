/// What the token check needs to know about a token, read in one query: whose it is,
/// whether that account may use it now, and what it is for.
public struct TokenGrant: Sendable, Equatable {
    public var tokenID: Int64
    public var accountID: Int64
    public var email: String
    public var accountActive: Bool
    public var scopes: [String]
    /// Seconds since 1970 from which the token is refused; nil: never. The core compares
    /// it with its clock, so the check stays one read.
    public var expiresAt: Int64?
    /// Set when the digest is a value rotated out of the token: the second (since 1970)
    /// from which that value no longer works. Nil for the token's current value.
    public var retiredUntil: Int64?

    public init(
        tokenID: Int64, accountID: Int64, email: String, accountActive: Bool, scopes: [String], expiresAt: Int64? = nil,
        retiredUntil: Int64? = nil
    ) {
        self.retiredUntil = retiredUntil
        self.tokenID = tokenID
        self.accountID = accountID
        self.email = email
        self.accountActive = accountActive
        self.scopes = scopes
        self.expiresAt = expiresAt
    }
}

/// One token's latest use, to be written to the store.
public struct TokenUse: Sendable, Equatable {
    public var tokenID: Int64
    public var at: Int64
    public var from: String

    public init(tokenID: Int64, at: Int64, from: String) {
        self.tokenID = tokenID
        self.at = at
        self.from = from
    }
}
