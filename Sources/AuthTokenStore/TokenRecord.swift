import Foundation

/// A stored token. The secret itself is never stored: only its SHA-256 `digest` and a
/// short `hint` that lets its owner tell tokens apart on a list.
public struct TokenRecord: Sendable, Equatable {
    public var id: Int64
    public var accountID: Int64
    /// Lower-case hex SHA-256 of the token.
    public var digest: String
    public var hint: String
    public var scopes: [String]
    public var displayName: String
    public var createdAt: Date
    /// When the token check last let the token through (coalesced: up to a minute late).
    public var lastUsedAt: Date?
    /// The client address of that use.
    public var lastUsedFrom: String?
    /// The application-specific password that got this token in API mode, if one did. It
    /// may have been revoked since: tokens are permanent.
    public var appPasswordID: Int64?

    public init(
        id: Int64, accountID: Int64, digest: String, hint: String,
        scopes: [String], displayName: String, createdAt: Date,
        lastUsedAt: Date? = nil, lastUsedFrom: String? = nil, appPasswordID: Int64? = nil
    ) {
        self.id = id
        self.accountID = accountID
        self.digest = digest
        self.hint = hint
        self.scopes = scopes
        self.displayName = displayName
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.lastUsedFrom = lastUsedFrom
        self.appPasswordID = appPasswordID
    }
}

/// The fields needed to store a new token; the store assigns the id.
public struct NewToken: Sendable {
    public var accountID: Int64
    public var digest: String
    public var hint: String
    public var scopes: [String]
    public var displayName: String
    public var createdAt: Date
    public var appPasswordID: Int64?

    public init(
        accountID: Int64, digest: String, hint: String,
        scopes: [String], displayName: String, createdAt: Date, appPasswordID: Int64? = nil
    ) {
        self.accountID = accountID
        self.digest = digest
        self.hint = hint
        self.scopes = scopes
        self.displayName = displayName
        self.createdAt = createdAt
        self.appPasswordID = appPasswordID
    }
}
