import Foundation

/// Attempt counters and blocks, for the one throttle that counts before it hashes.
///
/// Rules a backend must keep:
/// - `countAttempt` reads and changes a counter in one atomic step, so N parallel attempts
///   get N different counts and never two the same;
/// - `startBlock` is a compare-and-set: of several parallel calls for one block, exactly
///   one returns true;
/// - counters and blocks survive restarts (they are stored, not cached).
///
/// A backend keeps counters only; what they mean (limits, windows, block lengths) is the
/// core's policy (`Throttle` in the core).
public protocol ThrottleStore: Sendable {
    // MARK: Attempt counters (key: "account:<id>", "app-passwords:<id>", "address:<client address or /64>", …)
    /// Adds one attempt to `key` and returns the counter after it. A window that began at
    /// or before `now - window` starts over (the count becomes 1, the window begins at
    /// `now`). While the key is blocked at `now` the count is left as it is. One atomic step.
    func countAttempt(key: String, now: Date, window: TimeInterval) throws -> AttemptCounter
    /// Takes one attempt back (it succeeded, or was refused before anything was checked);
    /// never below zero, and never touches a block.
    func refundAttempt(key: String) throws
    /// Counts a failure of an attempt already counted (the attempt stays counted) and
    /// returns the failures in the current window, this one included. One atomic step.
    func recordFailure(key: String, now: Date) throws -> Int
    /// Blocks `key` until `until` unless a block is in force at `now`, and sets its
    /// attempts and failures to zero. True when this call started the block.
    func startBlock(key: String, until: Date, now: Date) throws -> Bool
    /// The end of the key's block when it is blocked at `now`; nil otherwise.
    func blockedUntil(key: String, now: Date) throws -> Date?
    /// Forgets the key's attempts and any block. False when there was nothing to forget.
    @discardableResult
    func clearFailures(key: String) throws -> Bool
}
