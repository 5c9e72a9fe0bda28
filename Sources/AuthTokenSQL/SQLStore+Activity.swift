import AuthTokenStore
import Foundation

extension StoreSQL {
    static let activityColumns = "id, at, account_id, kind, address, user_agent, detail"
    static let insertActivity = SQLStatement("""
        INSERT INTO activity (at, account_id, kind, address, user_agent, detail) VALUES (?, ?, ?, ?, ?, ?)
        """)
    static let activityOfAccount = SQLStatement(
        "SELECT \(activityColumns) FROM activity WHERE account_id = ? ORDER BY id DESC LIMIT ?")

    static let rowCounts = SQLStatement("SELECT (SELECT count(*) FROM token), (SELECT count(*) FROM web_session)")
    static let deleteExpiredConfirmations = SQLStatement("DELETE FROM confirmation WHERE expires_at <= ?")
    static let deleteExpiredPasswordResets = SQLStatement("DELETE FROM password_reset WHERE expires_at <= ?")
    static let deleteOldActivity = SQLStatement("DELETE FROM activity WHERE at < ?")
    static let deleteIdleCounters = SQLStatement(
        "DELETE FROM throttle WHERE window_start < ? AND (blocked_until IS NULL OR blocked_until <= ?)")
}

/// The activity log (append-only rows, read newest first per account) and retention.
extension SQLStore {
    /// An append whose COMMIT was cut off (the primary went away just then) is made again
    /// without looking: the line may then stand twice, which is better than failing the
    /// sign-in or create it records (docs/ha.md).
    public func insertActivity(_ entry: NewActivity) throws {
        try transaction({ db in
            try db.run(StoreSQL.insertActivity, [
                .date(entry.at), .optionalInteger(entry.accountID), .text(entry.kind.rawValue), .text(entry.address),
                .text(entry.userAgent), .text(entry.detail),
            ])
        }, landed: { _, _ in false })
    }

    public func activity(accountID: Int64, limit: Int) throws -> [ActivityRecord] {
        try read { db in
            try db.rows(StoreSQL.activityOfAccount, [.integer(accountID), .int(max(0, limit))])
                .compactMap { try ActivityRecord(row: $0) }
        }
    }

    public func rowCounts() throws -> (tokens: Int, sessions: Int) {
        try read { db in
            guard let row = try db.row(StoreSQL.rowCounts, []) else { return (0, 0) }
            return (try row.int(0), try row.int(1))
        }
    }

    public func deleteExpired(now: Date, activityBefore: Date?, countersBefore: Date) throws -> RetentionCounts {
        try write { db in
            var counts = RetentionCounts()
            counts.confirmationLinks = try db.run(StoreSQL.deleteExpiredConfirmations, [.date(now)])
            counts.pendingSignIns = try db.run(StoreSQL.deleteExpiredPendingSignIns, [.date(now)])
            counts.passkeyChallenges = try db.run(StoreSQL.deleteExpiredPasskeyChallenges, [.date(now)])
            counts.passwordResets = try db.run(StoreSQL.deleteExpiredPasswordResets, [.date(now)])
            if let activityBefore {
                counts.activity = try db.run(StoreSQL.deleteOldActivity, [.date(activityBefore)])
                // Whole days only: the day the cut-off falls on stays until it has all gone.
                let firstDay: SQLValue = .integer(UsageDay.of(SQLValue.seconds(activityBefore)))
                counts.usageDays = try db.run(StoreSQL.deleteOldTokenDays, [firstDay])
                    + db.run(StoreSQL.deleteOldCheckDays, [firstDay])
            }
            counts.throttleCounters = try db.run(StoreSQL.deleteIdleCounters, [.date(countersBefore), .date(now)])
            return counts
        }
    }
}
