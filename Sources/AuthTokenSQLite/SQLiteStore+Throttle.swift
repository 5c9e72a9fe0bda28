import AuthTokenStore
import Foundation
import GRDB

/// Attempt counters. Every change is one statement, and SQLite runs one writer at a time,
/// so parallel attempts are counted one after the other, never both from the same count.
extension SQLiteStore {
    public func countAttempt(key: String, now: Date, window: TimeInterval) throws -> AttemptCounter {
        let time = Self.seconds(now)
        let windowStart = time - Int64(window.rounded(.up))
        return try pool.write { db in
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

    public func refundAttempt(key: String) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE throttle SET attempts = attempts - 1 WHERE key = ? AND attempts > 0", arguments: [key])
        }
    }

    public func recordFailure(key: String, now: Date) throws -> Int {
        try pool.write { db in
            try db.execute(sql: "UPDATE throttle SET failures = failures + 1 WHERE key = ?", arguments: [key])
            return try Int.fetchOne(db, sql: "SELECT failures FROM throttle WHERE key = ?", arguments: [key]) ?? 0
        }
    }

    public func startBlock(key: String, until: Date, now: Date) throws -> Bool {
        let time = Self.seconds(now)
        return try changesRow(
            """
            INSERT INTO throttle (key, attempts, failures, window_start, blocked_until) VALUES (:key, 0, 0, :now, :until)
            ON CONFLICT(key) DO UPDATE SET attempts = 0, failures = 0, window_start = :now, blocked_until = :until
                WHERE blocked_until IS NULL OR blocked_until <= :now
            """,
            ["key": key, "now": time, "until": Int64(until.timeIntervalSince1970.rounded(.up))])
    }

    public func blockedUntil(key: String, now: Date) throws -> Date? {
        let time = Self.seconds(now)
        return try pool.read { db in
            Self.blockEnd(try Int64.fetchOne(db, sql: "SELECT blocked_until FROM throttle WHERE key = ?", arguments: [key]),
                          after: time)
        }
    }

    public func clearFailures(key: String) throws -> Bool {
        try changesRow("DELETE FROM throttle WHERE key = ?", [key])
    }

    static func blockEnd(_ until: Int64?, after time: Int64) -> Date? {
        guard let until, until > time else { return nil }
        return Date(timeIntervalSince1970: Double(until))
    }
}
