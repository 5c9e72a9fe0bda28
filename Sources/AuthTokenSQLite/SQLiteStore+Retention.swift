import AuthTokenStore
import Foundation
import GRDB

extension SQLiteStore {
    public func rowCounts() throws -> (tokens: Int, sessions: Int) {
        try pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM token") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM web_session") ?? 0)
        }
    }

    public func deleteExpired(now: Date, activityBefore: Date?, countersBefore: Date) throws -> RetentionCounts {
        try pool.write { db in
            let time = Self.seconds(now)
            var counts = RetentionCounts()
            func delete(_ sql: String, _ arguments: StatementArguments) throws -> Int {
                try db.execute(sql: sql, arguments: arguments)
                return db.changesCount
            }
            counts.confirmationLinks = try delete("DELETE FROM confirmation WHERE expires_at <= ?", [time])
            counts.pendingSignIns = try delete("DELETE FROM pending_sign_in WHERE expires_at <= ?", [time])
            counts.passwordResets = try delete("DELETE FROM password_reset WHERE expires_at <= ?", [time])
            if let activityBefore {
                counts.activity = try delete("DELETE FROM activity WHERE at < ?", [Self.seconds(activityBefore)])
            }
            counts.throttleCounters = try delete(
                "DELETE FROM throttle WHERE window_start < ? AND (blocked_until IS NULL OR blocked_until <= ?)",
                [Self.seconds(countersBefore), time])
            return counts
        }
    }
}
