import AuthTokenStore
import Foundation

/// The activity log: append-only rows, read newest first per account.
extension PostgresStore {
    public func insertActivity(_ entry: NewActivity) throws {
        try run(
            """
            INSERT INTO activity (at, account_id, kind, address, user_agent, detail)
            VALUES ($1, $2, $3, $4, $5, $6)
            """,
            [Self.seconds(entry.at), entry.accountID, entry.kind.rawValue, entry.address, entry.userAgent, entry.detail])
    }

    public func activity(accountID: Int64, limit: Int) throws -> [ActivityRecord] {
        try run(
            """
            SELECT id, at, account_id, kind, address, user_agent, detail FROM activity
            WHERE account_id = $1 ORDER BY id DESC LIMIT $2
            """, [accountID, max(0, limit)]
        ).compactMap { try Self.activity(from: $0) }
    }

    /// A kind written by a newer version is skipped (nil) rather than mislabelled.
    static func activity(from row: PostgresRow) throws -> ActivityRecord? {
        guard let kind = ActivityKind(rawValue: try row.string(3)) else { return nil }
        return ActivityRecord(id: try row.int64(0), entry: NewActivity(
            at: Self.date(try row.int64(1)), accountID: try row.optionalInt64(2), kind: kind,
            address: try row.string(4), userAgent: try row.string(5), detail: try row.string(6)))
    }
}
