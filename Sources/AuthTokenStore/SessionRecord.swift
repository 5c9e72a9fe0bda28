import Foundation

/// A signed-in web session as the store keeps it. The browser holds the random session id;
/// the store holds only its SHA-256 `digest`, so a copy of the database signs nobody in.
public struct SessionRecord: Sendable, Equatable {
    public var digest: String
    public var createdAt: Date
    public var lastSeenAt: Date
    /// The owner, read in the same query, so a deactivated account is seen at once.
    public var account: Account
    /// The sign-in that opened it took a two-factor code.
    public var secondFactor: Bool

    public init(digest: String, createdAt: Date, lastSeenAt: Date, account: Account, secondFactor: Bool = false) {
        self.digest = digest
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.account = account
        self.secondFactor = secondFactor
    }
}

/// A session as its owner sees it on the sessions page.
public struct SessionSummary: Sendable, Equatable {
    public var digest: String
    public var createdAt: Date
    public var lastSeenAt: Date
    public var address: String
    public var userAgent: String

    public init(digest: String, createdAt: Date, lastSeenAt: Date, address: String, userAgent: String) {
        self.digest = digest
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.address = address
        self.userAgent = userAgent
    }
}

extension SessionStore {
    /// A session with no record of where it came from (tests, the admin CLI).
    public func createSession(digest: String, accountID: Int64, at date: Date, secondFactor: Bool = false) throws {
        try createSession(digest: digest, accountID: accountID, at: date, address: "", userAgent: "", secondFactor: secondFactor)
    }

    /// A session from a sign-in without a two-factor code.
    public func createSession(digest: String, accountID: Int64, at date: Date, address: String, userAgent: String) throws {
        try createSession(
            digest: digest, accountID: accountID, at: date, address: address, userAgent: userAgent, secondFactor: false)
    }
}
