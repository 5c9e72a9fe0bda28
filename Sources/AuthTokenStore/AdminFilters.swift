import Foundation

/// Which accounts the administrators' account list shows.
public struct AccountFilter: Sendable, Equatable {
    /// Part of the e-mail address or the name, any letter case (ASCII letters only for the
    /// name: SQLite's `lower`); empty: every account.
    public var search: String
    public var unconfirmedOnly: Bool
    public var deactivatedOnly: Bool
    /// Blocked at `now` after too many failures (the throttle's `account:<id>` key).
    public var blockedOnly: Bool
    public var twoFactorOnly: Bool
    public var now: Date

    public init(search: String = "", unconfirmedOnly: Bool = false, deactivatedOnly: Bool = false,
                blockedOnly: Bool = false, twoFactorOnly: Bool = false, now: Date)
    {
        self.search = search
        self.unconfirmedOnly = unconfirmedOnly
        self.deactivatedOnly = deactivatedOnly
        self.blockedOnly = blockedOnly
        self.twoFactorOnly = twoFactorOnly
        self.now = now
    }
}

/// One row of the account list.
public struct AccountListing: Sendable, Equatable {
    public var account: Account
    public var twoFactor: Bool
    public var blockedUntil: Date?
    public var tokenCount: Int

    public init(account: Account, twoFactor: Bool, blockedUntil: Date?, tokenCount: Int) {
        self.account = account
        self.twoFactor = twoFactor
        self.blockedUntil = blockedUntil
        self.tokenCount = tokenCount
    }
}

/// Which tokens the credentials inventory shows (and a bulk revocation deletes).
public struct TokenFilter: Sendable, Equatable {
    /// A scope the token holds, its full `Service/apiname` (letter case as issued).
    public var scope: String?
    public var ownerID: Int64?
    /// Not used since this time: last used before it, or never used and created before it.
    public var unusedSince: Date?
    /// Expired, or expiring by this time: an expiry at or before it (never-expiring tokens
    /// never match).
    public var expiringBy: Date?

    public init(scope: String? = nil, ownerID: Int64? = nil, unusedSince: Date? = nil, expiringBy: Date? = nil) {
        self.scope = scope
        self.ownerID = ownerID
        self.unusedSince = unusedSince
        self.expiringBy = expiringBy
    }
}

/// The inventory's orders. Each ends on the token id, so pages never overlap; equal last
/// uses (never used, mostly) go by creation time.
public enum TokenSort: String, Sendable, CaseIterable {
    case newest, oldest
    /// Most recently used first; never used last.
    case recentlyUsed = "recently-used"
    /// Longest unused first: never used (oldest first), then the oldest last use.
    case longestUnused = "longest-unused"
    case owner
}

/// One row of the credentials inventory: the token (never its value: the store holds only
/// its digest, which no page shows), its owner and the application password that got it.
public struct InventoryToken: Sendable, Equatable {
    public var token: TokenRecord
    public var ownerEmail: String
    /// The application password's name while it exists; nil when none got it or it is revoked.
    public var appPasswordName: String?

    public init(token: TokenRecord, ownerEmail: String, appPasswordName: String?) {
        self.token = token
        self.ownerEmail = ownerEmail
        self.appPasswordName = appPasswordName
    }
}

/// One row of the application-password inventory (its hash is never shown).
public struct InventoryAppPassword: Sendable, Equatable {
    public var appPassword: AppPasswordRecord
    public var ownerEmail: String
    /// Tokens it got that still exist.
    public var tokenCount: Int

    public init(appPassword: AppPasswordRecord, ownerEmail: String, tokenCount: Int) {
        self.appPassword = appPassword
        self.ownerEmail = ownerEmail
        self.tokenCount = tokenCount
    }
}

/// Which activity entries the cross-account activity page shows, newest first.
public struct ActivityFilter: Sendable, Equatable {
    public var accountID: Int64?
    public var kind: ActivityKind?
    public var from: Date?
    /// Entries before this time (exclusive).
    public var until: Date?

    public init(accountID: Int64? = nil, kind: ActivityKind? = nil, from: Date? = nil, until: Date? = nil) {
        self.accountID = accountID
        self.kind = kind
        self.from = from
        self.until = until
    }
}
