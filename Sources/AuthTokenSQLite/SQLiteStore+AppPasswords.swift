import AuthTokenStore
import Foundation
import GRDB

/// Application-specific passwords, always scoped to their account.
extension SQLiteStore {
    static let appPasswordColumns = "id, account_id, name, password_hash, created_at, last_used_at"

    public func insertAppPassword(
        accountID: Int64, name: String, passwordHash: String, lookupDigest: String, createdAt: Date, limit: Int
    ) throws -> AppPasswordRecord {
        try writeImmediately { db in
            let count = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM app_password WHERE account_id = ?", arguments: [accountID]) ?? 0
            guard count < limit else { throw StoreError.appPasswordLimitReached(limit: limit) }
            try db.execute(
                sql: """
                    INSERT INTO app_password (account_id, name, password_hash, lookup_digest, created_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [accountID, name, passwordHash, lookupDigest, Self.seconds(createdAt)])
            return AppPasswordRecord(
                id: db.lastInsertedRowID, accountID: accountID, name: name, passwordHash: passwordHash,
                createdAt: Date(timeIntervalSince1970: Double(Self.seconds(createdAt))), lastUsedAt: nil)
        }
    }

    public func appPasswords(accountID: Int64) throws -> [AppPasswordRecord] {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.appPasswordColumns) FROM app_password WHERE account_id = ? ORDER BY id",
                arguments: [accountID]
            ).map(Self.appPassword(from:))
        }
    }

    public func appPassword(accountID: Int64, lookupDigest: String) throws -> AppPasswordRecord? {
        try pool.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT \(Self.appPasswordColumns) FROM app_password WHERE account_id = ? AND lookup_digest = ?",
                arguments: [accountID, lookupDigest]
            ).map(Self.appPassword(from:))
        }
    }

    public func deleteAppPassword(id: Int64, accountID: Int64) throws -> Bool {
        try changesRow("DELETE FROM app_password WHERE id = ? AND account_id = ?", [id, accountID])
    }

    public func setAppPasswordLookup(id: Int64, lookupDigest: String) throws {
        _ = try changesRow("UPDATE app_password SET lookup_digest = ? WHERE id = ?", [lookupDigest, id])
    }

    public func touchAppPassword(id: Int64, at date: Date) throws {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE app_password SET last_used_at = ? WHERE id = ?", arguments: [Self.seconds(date), id])
        }
    }

    static func appPassword(from row: Row) -> AppPasswordRecord {
        AppPasswordRecord(
            id: row["id"], accountID: row["account_id"], name: row["name"], passwordHash: row["password_hash"],
            createdAt: Date(timeIntervalSince1970: Double(row["created_at"] as Int64)),
            lastUsedAt: (row["last_used_at"] as Int64?).map { Date(timeIntervalSince1970: Double($0)) })
    }
}
