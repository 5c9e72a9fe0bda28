import AuthTokenStore
import Foundation

/// Application-specific passwords, always scoped to their account.
extension PostgresStore {
    static let appPasswordColumns = "id, account_id, name, password_hash, created_at, last_used_at"

    /// Lock the account's row, count, insert: one transaction, as `insertToken`.
    public func insertAppPassword(
        accountID: Int64, name: String, passwordHash: String, lookupDigest: String, createdAt: Date, limit: Int
    ) throws -> AppPasswordRecord {
        let created = Self.seconds(createdAt)
        let id = try transaction { connection -> Int64 in
            try Self.lockAccount(accountID, on: connection)
            let count = try connection.executePrepared(
                "SELECT count(*) FROM app_password WHERE account_id = $1", [accountID])[0].int64(0)
            guard count < limit else { throw StoreError.appPasswordLimitReached(limit: limit) }
            return try connection.executePrepared(
                """
                INSERT INTO app_password (account_id, name, password_hash, lookup_digest, created_at)
                VALUES ($1, $2, $3, $4, $5) RETURNING id
                """, [accountID, name, passwordHash, lookupDigest, created])[0].int64(0)
        }
        return AppPasswordRecord(
            id: id, accountID: accountID, name: name, passwordHash: passwordHash,
            createdAt: Self.date(created), lastUsedAt: nil)
    }

    public func appPasswords(accountID: Int64) throws -> [AppPasswordRecord] {
        try run("SELECT \(Self.appPasswordColumns) FROM app_password WHERE account_id = $1 ORDER BY id", [accountID])
            .map { try Self.appPassword(from: $0) }
    }

    public func appPassword(accountID: Int64, lookupDigest: String) throws -> AppPasswordRecord? {
        try run(
            "SELECT \(Self.appPasswordColumns) FROM app_password WHERE account_id = $1 AND lookup_digest = $2",
            [accountID, lookupDigest]
        ).first.map { try Self.appPassword(from: $0) }
    }

    public func deleteAppPassword(id: Int64, accountID: Int64) throws -> Bool {
        try changesRow("DELETE FROM app_password WHERE id = $1 AND account_id = $2", [id, accountID])
    }

    /// Never moves the time back, whichever instance writes last.
    public func setAppPasswordLookup(id: Int64, lookupDigest: String) throws {
        try run("UPDATE app_password SET lookup_digest = $2 WHERE id = $1", [id, lookupDigest])
    }

    public func touchAppPassword(id: Int64, at date: Date) throws {
        try run(
            "UPDATE app_password SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)",
            [id, Self.seconds(date)])
    }

    static func appPassword(from row: PostgresRow) throws -> AppPasswordRecord {
        AppPasswordRecord(
            id: try row.int64(0), accountID: try row.int64(1), name: try row.string(2),
            passwordHash: try row.string(3), createdAt: date(try row.int64(4)),
            lastUsedAt: optionalDate(try row.optionalInt64(5)))
    }
}
