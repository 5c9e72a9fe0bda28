import AuthTokenStore
import Foundation
import GRDB

/// Token look-ups the Active Authtokens page needs: always scoped to the signed-in account.
extension SQLiteStore {
    public func token(id: Int64, accountID: Int64) throws -> TokenRecord? {
        try pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(Self.tokenColumns) FROM token WHERE id = ? AND account_id = ?",
                arguments: [id, accountID]
            ).map(Self.token(from:))
        }
    }

    public func replaceTokenSecret(id: Int64, accountID: Int64, digest: String, hint: String, expiresAt: Date?) throws
        -> TokenRecord?
    {
        try writeImmediately { db in
            try db.execute(
                sql: """
                    UPDATE token SET digest = ?, hint = ?, last_used_at = NULL, last_used_from = NULL, expires_at = ?,
                        reminded_days = NULL, rotated_at = NULL, rotated_from = NULL
                    WHERE id = ? AND account_id = ?
                    """,
                arguments: [digest, hint, expiresAt.map(Self.seconds), id, accountID])
            guard db.changesCount > 0 else { return nil }
            try db.execute(sql: "DELETE FROM retired_token WHERE token_id = ?", arguments: [id])
            return try Row.fetchOne(
                db, sql: "SELECT \(Self.tokenColumns) FROM token WHERE id = ?", arguments: [id]
            ).map(Self.token(from:))
        }
    }
}
