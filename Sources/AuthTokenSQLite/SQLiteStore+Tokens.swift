import AuthTokenStore
import Foundation
import GRDB

extension SQLiteStore {
    static let tokenColumns =
        "id, account_id, digest, hint, scopes, display_name, created_at, last_used_at, last_used_from, app_password_id, "
        + "expires_at, lifetime, rotated_at, rotated_from"

    public func insertToken(_ new: NewToken, limit: Int) throws -> TokenRecord {
        try writeImmediately { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM account WHERE id = ?", arguments: [new.accountID]) != nil
            else { throw StoreError.noSuchAccount }
            let count = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM token WHERE account_id = ?", arguments: [new.accountID]) ?? 0
            guard count < limit else { throw StoreError.tokenLimitReached(limit: limit) }
            let created = Int64(new.createdAt.timeIntervalSince1970)
            try db.execute(
                sql: """
                    INSERT INTO token (account_id, digest, hint, scopes, display_name, created_at, app_password_id,
                                       expires_at, lifetime)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    new.accountID, new.digest, new.hint, new.scopes.joined(separator: ","),
                    new.displayName, created, new.appPasswordID, new.expiresAt.map(Self.seconds), new.lifetime,
                ])
            return TokenRecord(
                id: db.lastInsertedRowID, accountID: new.accountID, digest: new.digest,
                hint: new.hint, scopes: new.scopes, displayName: new.displayName,
                createdAt: Date(timeIntervalSince1970: Double(created)), appPasswordID: new.appPasswordID,
                expiresAt: new.expiresAt.map { Date(timeIntervalSince1970: Double(Self.seconds($0))) },
                lifetime: new.lifetime)
        }
    }

    public func tokens(accountID: Int64) throws -> [TokenRecord] {
        try pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT \(Self.tokenColumns) FROM token WHERE account_id = ? ORDER BY id"),
                arguments: [accountID]
            ).map(Self.token(from:))
        }
    }

    public func token(digest: String) throws -> TokenRecord? {
        try pool.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(Self.tokenColumns) FROM token WHERE digest = ?"),
                arguments: [digest]
            ).map(Self.token(from:))
        }
    }

    public func deleteToken(id: Int64, accountID: Int64) throws -> Bool {
        try changesRow("DELETE FROM token WHERE id = ? AND account_id = ?", [id, accountID])
    }

    public func deleteToken(digest: String) throws -> Bool {
        try changesRow("DELETE FROM token WHERE digest = ?", [digest])
    }

    static func token(from row: Row) -> TokenRecord {
        let scopes: String = row["scopes"]
        return TokenRecord(
            id: row["id"], accountID: row["account_id"], digest: row["digest"], hint: row["hint"],
            scopes: scopes.split(separator: ",").map(String.init), displayName: row["display_name"],
            createdAt: Date(timeIntervalSince1970: Double(row["created_at"] as Int64)),
            lastUsedAt: (row["last_used_at"] as Int64?).map { Date(timeIntervalSince1970: Double($0)) },
            lastUsedFrom: row["last_used_from"], appPasswordID: row["app_password_id"],
            expiresAt: (row["expires_at"] as Int64?).map { Date(timeIntervalSince1970: Double($0)) },
            lifetime: row["lifetime"],
            rotatedAt: (row["rotated_at"] as Int64?).map { Date(timeIntervalSince1970: Double($0)) },
            rotatedFrom: row["rotated_from"])
    }
}
