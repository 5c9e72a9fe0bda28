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
    /// When the token stops working (the check refuses it from this second on); nil: never.
    public var expiresAt: Date?
    /// The lifetime chosen when it was made, in seconds (nil: permanent): a renewed or
    /// rotated value gets the same one, counted from then (and capped by the policy).
    public var lifetime: Int64?
    /// When the current value replaced an older one by rotation, and that value's hint;
    /// nil when it was created or regenerated.
    public var rotatedAt: Date?
    public var rotatedFrom: String?

    public init(
        id: Int64, accountID: Int64, digest: String, hint: String,
        scopes: [String], displayName: String, createdAt: Date,
        lastUsedAt: Date? = nil, lastUsedFrom: String? = nil, appPasswordID: Int64? = nil,
        expiresAt: Date? = nil, lifetime: Int64? = nil, rotatedAt: Date? = nil, rotatedFrom: String? = nil
    ) {
        self.rotatedAt = rotatedAt
        self.rotatedFrom = rotatedFrom
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
        self.expiresAt = expiresAt
        self.lifetime = lifetime
    }
}

/// A token whose owner may need a reminder that it expires soon.
public struct TokenReminder: Sendable, Equatable {
    public var tokenID: Int64
    public var email: String
    public var displayName: String
    public var hint: String
    public var expiresAt: Date
    public var lastUsedAt: Date
    public var lastUsedFrom: String

    public init(
        tokenID: Int64, email: String, displayName: String, hint: String, expiresAt: Date, lastUsedAt: Date,
        lastUsedFrom: String
    ) {
        self.tokenID = tokenID
        self.email = email
        self.displayName = displayName
        self.hint = hint
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.lastUsedFrom = lastUsedFrom
    }
}

/// A rotation: the token `tokenID` takes a new value, and its current one (`oldDigest`)
/// is kept as retired, still working until `worksUntil`, and remembered after that so
/// that a later use of it can be told from an unknown value.
public struct TokenRotation: Sendable, Equatable {
    public var tokenID: Int64
    public var oldDigest: String
    public var oldHint: String
    public var newDigest: String
    public var newHint: String
    public var at: Date
    public var worksUntil: Date
    /// The new value's expiry (nil: never).
    public var expiresAt: Date?

    public init(
        tokenID: Int64, oldDigest: String, oldHint: String, newDigest: String, newHint: String,
        at: Date, worksUntil: Date, expiresAt: Date?
    ) {
        self.tokenID = tokenID
        self.oldDigest = oldDigest
        self.oldHint = oldHint
        self.newDigest = newDigest
        self.newHint = newHint
        self.at = at
        self.worksUntil = worksUntil
        self.expiresAt = expiresAt
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
    public var expiresAt: Date?
    public var lifetime: Int64?

    public init(
        accountID: Int64, digest: String, hint: String,
        scopes: [String], displayName: String, createdAt: Date, appPasswordID: Int64? = nil,
        expiresAt: Date? = nil, lifetime: Int64? = nil
    ) {
        self.accountID = accountID
        self.digest = digest
        self.hint = hint
        self.scopes = scopes
        self.displayName = displayName
        self.createdAt = createdAt
        self.appPasswordID = appPasswordID
        self.expiresAt = expiresAt
        self.lifetime = lifetime
    }
}
