import AuthTokenStore
import Foundation
import GRDB

/// The activity log: append-only rows, read newest first per account.
extension SQLiteStore {
    public func insertActivity(_ entry: NewActivity) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO activity (at, account_id, kind, address, user_agent, detail)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    Self.seconds(entry.at), entry.accountID, entry.kind.rawValue, entry.address,
                    entry.userAgent, entry.detail,
                ])
        }
    }

    public func activity(accountID: Int64, limit: Int) throws -> [ActivityRecord] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, at, account_id, kind, address, user_agent, detail FROM activity
                    WHERE account_id = ? ORDER BY id DESC LIMIT ?
                    """,
                arguments: [accountID, max(0, limit)]
            ).compactMap(Self.activity(from:))
        }
    }

    /// A kind written by a newer version is skipped (nil) rather than mislabelled.
    static func activity(from row: Row) -> ActivityRecord? {
        guard let kind = ActivityKind(rawValue: row["kind"]) else { return nil }
        return ActivityRecord(id: row["id"], entry: NewActivity(
            at: Date(timeIntervalSince1970: Double(row["at"] as Int64)), accountID: row["account_id"],
            kind: kind, address: row["address"], userAgent: row["user_agent"], detail: row["detail"]))
    }
}
