import AuthTokenStore
import Foundation
import GRDB

/// Failure counters. Each change runs in an IMMEDIATE transaction, so two parallel
/// failures are counted one after the other, never both from the same old count.
extension SQLiteStore {
    public func recordFailure(key: String, now: Date, rule: ThrottleRule) throws -> Date? {
        let time = Self.seconds(now)
        return try writeImmediately { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT failures, window_start, blocked_until FROM throttle WHERE key = ?", arguments: [key])
            var failures = 1
            var windowStart = time
            let blockedUntil: Int64? = row?["blocked_until"]
            if let row, Double(time - (row["window_start"] as Int64)) < rule.window {
                failures = (row["failures"] as Int) + 1
                windowStart = row["window_start"]
            }
            var newBlock: Int64?
            if failures >= rule.maxFailures {
                newBlock = time + Int64(rule.blockFor.rounded(.up))
                failures = 0
            }
            try db.execute(
                sql: """
                    INSERT INTO throttle (key, failures, window_start, blocked_until) VALUES (?, ?, ?, ?)
                    ON CONFLICT(key) DO UPDATE SET failures = excluded.failures,
                        window_start = excluded.window_start, blocked_until = excluded.blocked_until
                    """,
                arguments: [key, failures, windowStart, newBlock ?? blockedUntil])
            return newBlock.map { Date(timeIntervalSince1970: Double($0)) }
        }
    }

    public func blockedUntil(key: String, now: Date) throws -> Date? {
        try pool.read { db in
            guard let until = try Int64.fetchOne(
                db, sql: "SELECT blocked_until FROM throttle WHERE key = ? AND blocked_until > ?",
                arguments: [key, Self.seconds(now)])
            else { return nil }
            return Date(timeIntervalSince1970: Double(until))
        }
    }

    public func clearFailures(key: String) throws -> Bool {
        try changesRow("DELETE FROM throttle WHERE key = ?", [key])
    }
}
