import Foundation

/// The activity log and retention: what is kept, for how long, and how much there is.
///
/// Rules a backend must keep:
/// - activity entries survive restarts, and are read newest first.
public protocol ActivityStore: Sendable {
    // MARK: Activity log
    func insertActivity(_ entry: NewActivity) throws
    /// The account's newest entries first, at most `limit`.
    func activity(accountID: Int64, limit: Int) throws -> [ActivityRecord]

    // MARK: Retention
    /// Removes what has run out: confirmation links, half-done sign-ins and reset links
    /// expired by `now`, activity entries older than `activityBefore` (nil keeps them) and
    /// daily-use rows of the days before its day, and
    /// throttle counters whose window began before `countersBefore` and that block nobody.
    func deleteExpired(now: Date, activityBefore: Date?, countersBefore: Date) throws -> RetentionCounts

    /// How many tokens and web sessions the store holds (for metrics).
    func rowCounts() throws -> (tokens: Int, sessions: Int)
}
