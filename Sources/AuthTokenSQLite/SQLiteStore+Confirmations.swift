import AuthTokenStore
import Foundation
import GRDB

extension SQLiteStore {
    public func createConfirmation(digest: String, accountID: Int64, expiresAt: Date) throws {
        try pool.write { db in
            try db.execute(
                sql: "INSERT INTO confirmation (digest, account_id, expires_at) VALUES (?, ?, ?)",
                arguments: [digest, accountID, Self.seconds(expiresAt)])
        }
    }

    /// Delete first, then confirm, in one IMMEDIATE transaction: of two clicks at the same
    /// moment only one finds the row.
    public func useConfirmation(digest: String, now: Date) throws -> Int64? {
        try writeImmediately { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT account_id, expires_at FROM confirmation WHERE digest = ?", arguments: [digest])
            else { return nil }
            try db.execute(sql: "DELETE FROM confirmation WHERE digest = ?", arguments: [digest])
            let expiresAt: Int64 = row["expires_at"]
            guard Self.seconds(now) < expiresAt else { return nil }
            let accountID: Int64 = row["account_id"]
            try db.execute(sql: "UPDATE account SET confirmed = 1 WHERE id = ?", arguments: [accountID])
            return accountID
        }
    }
}
