import Foundation

/// What throttling and the activity log need from a backend. `AuthStore` refines it; it
/// has its own file so this feature merges without touching the other protocols.
///
/// Rules a backend must keep:
/// - `recordFailure` reads, counts and (when the limit is reached) blocks in one atomic
///   step, so parallel wrong passwords cannot slip past the limit;
/// - failure counters and activity entries survive restarts (they are stored, not cached).
public protocol HardeningStore: Sendable {
    // MARK: Failure counters (key: "account:<id>" or "address:<client address>")
    /// Counts one failure for `key` at `now`. A window older than `rule.window` starts
    /// over at this failure; reaching `rule.maxFailures` blocks the key until
    /// `now + rule.blockFor` and sets the count back to zero. Returns the end of the block
    /// this failure started, or nil when it started none.
    func recordFailure(key: String, now: Date, rule: ThrottleRule) throws -> Date?
    /// The end of the key's block when it is blocked at `now`; nil otherwise.
    func blockedUntil(key: String, now: Date) throws -> Date?
    /// Forgets the key's failures and any block. False when there was nothing to forget.
    @discardableResult
    func clearFailures(key: String) throws -> Bool

    // MARK: Activity log
    func insertActivity(_ entry: NewActivity) throws
    /// The account's newest entries first, at most `limit`.
    func activity(accountID: Int64, limit: Int) throws -> [ActivityRecord]
}
