import AuthTokenSQL
import AuthTokenStore
import Foundation

/// The throttle's two upserts (the rest of the throttle is `SQLStore+Throttle`). Each is one
/// `INSERT ... ON CONFLICT ... DO UPDATE`: PostgreSQL locks the key's row and computes the
/// new values from its latest version, so parallel attempts from any number of instances
/// are counted one after the other, never two from the same count. Two first attempts on a
/// new key meet on the primary key: one inserts, the other waits and then updates.
///
/// When the primary goes away under one (a failover), it runs again on the new primary
/// (`PostgresConnections.again`): the attempt may then be counted twice, which is the
/// throttle's safe side; a block that did start is found by the second run's `WHERE`.
extension PostgresStore {
    public func countAttempt(key: String, now: Date, window: TimeInterval) throws -> AttemptCounter {
        let time = SQLValue.seconds(now)
        let windowStart = time - Int64(window.rounded(.up))
        let row = try connections.again { try run(
            """
            INSERT INTO throttle (key, attempts, window_start) VALUES ($1, 1, $2)
            ON CONFLICT (key) DO UPDATE SET
                attempts = CASE
                    WHEN throttle.blocked_until > $2::int8 THEN throttle.attempts
                    WHEN throttle.window_start <= $3::int8 THEN 1
                    ELSE throttle.attempts + 1 END,
                failures = CASE
                    WHEN throttle.blocked_until > $2::int8 THEN throttle.failures
                    WHEN throttle.window_start <= $3::int8 THEN 0
                    ELSE throttle.failures END,
                window_start = CASE
                    WHEN throttle.blocked_until > $2::int8 THEN throttle.window_start
                    WHEN throttle.window_start <= $3::int8 THEN $2::int8
                    ELSE throttle.window_start END
            RETURNING attempts, blocked_until
            """, [key, time, windowStart]) }[0]
        return AttemptCounter(
            count: Int(try row.int64(0)), blockedUntil: Self.blockEnd(try row.optionalInt64(1), after: time))
    }

    /// A compare-and-set: the update happens only when no block is in force at `now`, and a
    /// racing caller re-checks that on the row the winner left.
    public func startBlock(key: String, until: Date, now: Date) throws -> Bool {
        (try connections.again { try run(
            """
            INSERT INTO throttle (key, attempts, failures, window_start, blocked_until) VALUES ($1, 0, 0, $2, $3)
            ON CONFLICT (key) DO UPDATE SET attempts = 0, failures = 0, window_start = $2::int8, blocked_until = $3::int8
                WHERE throttle.blocked_until IS NULL OR throttle.blocked_until <= $2::int8
            """, [key, SQLValue.seconds(now), Int64(until.timeIntervalSince1970.rounded(.up))]) }.affectedRows ?? 0) > 0
    }
}
