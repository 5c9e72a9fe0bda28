import AuthTokenSQL
import AuthTokenStore
import Foundation
import GRDB

/// The throttle's two upserts (the rest of the throttle is `SQLStore+Throttle`). Every
/// change is one statement, and SQLite runs one writer at a time, so parallel attempts are
/// counted one after the other, never both from the same count.
extension SQLiteStore {
    public func countAttempt(key: String, now: Date, window: TimeInterval) throws -> AttemptCounter {
        let time = SQLValue.seconds(now)
        let windowStart = time - Int64(window.rounded(.up))
        return try write { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    INSERT INTO throttle (key, attempts, window_start) VALUES (:key, 1, :now)
                    ON CONFLICT(key) DO UPDATE SET
                        attempts = CASE
                            WHEN blocked_until > :now THEN attempts
                            WHEN window_start <= :windowStart THEN 1
                            ELSE attempts + 1 END,
                        failures = CASE
                            WHEN blocked_until > :now THEN failures
                            WHEN window_start <= :windowStart THEN 0
                            ELSE failures END,
                        window_start = CASE
                            WHEN blocked_until > :now THEN window_start
                            WHEN window_start <= :windowStart THEN :now
                            ELSE window_start END
                    RETURNING attempts, blocked_until
                    """,
                arguments: ["key": key, "now": time, "windowStart": windowStart])!
            return AttemptCounter(count: row["attempts"], blockedUntil: Self.blockEnd(row["blocked_until"], after: time))
        }
    }

    public func startBlock(key: String, until: Date, now: Date) throws -> Bool {
        let time = SQLValue.seconds(now)
        return try write { db in
            try db.execute(
                sql: """
                    INSERT INTO throttle (key, attempts, failures, window_start, blocked_until)
                    VALUES (:key, 0, 0, :now, :until)
                    ON CONFLICT(key) DO UPDATE SET attempts = 0, failures = 0, window_start = :now, blocked_until = :until
                        WHERE blocked_until IS NULL OR blocked_until <= :now
                    """,
                arguments: ["key": key, "now": time, "until": Int64(until.timeIntervalSince1970.rounded(.up))])
            return db.changesCount > 0
        }
    }
}
