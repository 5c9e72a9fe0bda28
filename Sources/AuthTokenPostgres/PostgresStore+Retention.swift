import AuthTokenStore
import Foundation

extension PostgresStore {
    public func rowCounts() throws -> (tokens: Int, sessions: Int) {
        let row = try run("SELECT (SELECT count(*) FROM token), (SELECT count(*) FROM web_session)")[0]
        return (Int(try row.int64(0)), Int(try row.int64(1)))
    }

    public func deleteExpired(now: Date, activityBefore: Date?, countersBefore: Date) throws -> RetentionCounts {
        let time = Self.seconds(now)
        var counts = RetentionCounts()
        func delete(_ sql: String, _ parameters: [(any PostgresParameter)?]) throws -> Int {
            try run(sql, parameters).affectedRows ?? 0
        }
        counts.confirmationLinks = try delete("DELETE FROM confirmation WHERE expires_at <= $1", [time])
        counts.pendingSignIns = try delete("DELETE FROM pending_sign_in WHERE expires_at <= $1", [time])
        counts.passwordResets = try delete("DELETE FROM password_reset WHERE expires_at <= $1", [time])
        if let activityBefore {
            counts.activity = try delete("DELETE FROM activity WHERE at < $1", [Self.seconds(activityBefore)])
        }
        counts.throttleCounters = try delete(
            "DELETE FROM throttle WHERE window_start < $1 AND (blocked_until IS NULL OR blocked_until <= $2)",
            [Self.seconds(countersBefore), time])
        return counts
    }
}
