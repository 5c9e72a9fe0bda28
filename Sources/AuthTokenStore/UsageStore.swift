import Foundation

/// A UTC calendar day, as the usage tables key it: whole days since 1970-01-01.
public enum UsageDay {
    public static let seconds: Int64 = 86400

    /// The day `time` (seconds since 1970) falls on.
    public static func of(_ time: Int64) -> Int64 {
        time >= 0 ? time / seconds : (time - seconds + 1) / seconds
    }

    public static func of(_ date: Date) -> Int64 { of(Int64(date.timeIntervalSince1970.rounded(.down))) }

    /// Midnight UTC at the start of `day`.
    public static func start(_ day: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(day * seconds)) }
}

/// How the token check answered, as the daily counts keep it. The raw value is what the
/// store keeps, so it never changes once shipped.
public enum CheckOutcome: String, Sendable, CaseIterable {
    case allowed
    /// Missing, malformed, unknown, deleted or regenerated, or of a deactivated account.
    case dead
    case expired
    /// A live token without the wanted scope (or no scope named).
    case scope
    /// A rotated-out value presented after its grace window.
    case reused
}

/// Uses of one token on one day.
public struct TokenDayCount: Sendable, Hashable {
    public var tokenID: Int64
    public var day: Int64
    public var count: Int

    public init(tokenID: Int64, day: Int64, count: Int) {
        self.tokenID = tokenID
        self.day = day
        self.count = count
    }
}

/// Token checks answered one way on one day, by every instance.
public struct CheckDayCount: Sendable, Hashable {
    public var day: Int64
    public var outcome: CheckOutcome
    public var count: Int

    public init(day: Int64, outcome: CheckOutcome, count: Int) {
        self.day = day
        self.outcome = outcome
        self.count = count
    }
}

/// Activity entries of one kind on one day.
public struct ActivityDayCount: Sendable, Hashable {
    public var day: Int64
    public var kind: ActivityKind
    public var count: Int

    public init(day: Int64, kind: ActivityKind, count: Int) {
        self.day = day
        self.kind = kind
        self.count = count
    }
}

/// A token and its uses over a span of days (the overview's busiest tokens).
public struct BusyToken: Sendable, Equatable {
    public var token: InventoryToken
    public var uses: Int

    public init(token: InventoryToken, uses: Int) {
        self.token = token
        self.uses = uses
    }
}

/// What the usage flusher adds to the store in one batch.
public struct UsageCounts: Sendable, Equatable {
    public var tokens: [TokenDayCount]
    public var checks: [CheckDayCount]

    public init(tokens: [TokenDayCount] = [], checks: [CheckDayCount] = []) {
        self.tokens = tokens
        self.checks = checks
    }

    public var isEmpty: Bool { tokens.isEmpty && checks.isEmpty }
}

/// Daily use: per token per UTC day, and the token check's answers per day (docs/usage.md).
///
/// Rules a backend must keep:
/// - `addUsage` adds: several instances flushing the same day and token add up;
/// - counts for a token deleted meanwhile are dropped, and a token's counts go with it;
/// - the rows go with the activity log's retention (`deleteExpired`).
public protocol UsageStore: Sendable {
    /// Adds the counts to what the store holds, in one transaction.
    func addUsage(_ counts: UsageCounts) throws
    /// The daily uses of the account's tokens (or of its one token `tokenID`) from `firstDay`
    /// on, by token then day.
    func tokenDays(accountID: Int64, tokenID: Int64?, since firstDay: Int64) throws -> [TokenDayCount]
    /// Every instance's check answers per day from `firstDay` on, by day then outcome.
    func checkDays(since firstDay: Int64) throws -> [CheckDayCount]
    /// Activity entries of the given kinds per day from `firstDay` on, by day then kind.
    func activityDays(_ kinds: [ActivityKind], since firstDay: Int64) throws -> [ActivityDayCount]
    /// The `limit` tokens used most from `firstDay` on, most first (equal: lower id first).
    func busiestTokens(since firstDay: Int64, limit: Int) throws -> [BusyToken]
    /// Tokens never used since they were created (or last regenerated).
    func neverUsedTokenCount() throws -> Int
}
