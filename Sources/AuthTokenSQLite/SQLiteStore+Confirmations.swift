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

    public func addRegistrationLink(
        digest: String, accountID: Int64, expiresAt: Date, passwordHash: String, displayName: String
    ) throws -> Bool {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO confirmation (digest, account_id, expires_at, password_hash, display_name)
                    SELECT ?, id, ?, ?, ? FROM account WHERE id = ? AND confirmed = 0 AND password_hash = ?
                    """,
                arguments: [digest, Self.seconds(expiresAt), passwordHash, displayName, accountID, Account.noPassword])
            return db.changesCount > 0
        }
    }

    /// Taken and confirmed in one IMMEDIATE transaction: of two clicks at the same moment
    /// only one finds the row. A registration's link (with a password hash) confirms only an
    /// account that has no password yet; its other links go.
    public func useConfirmation(digest: String, now: Date) throws -> Int64? {
        try writeImmediately { db in
            let chosen = try Row.fetchOne(
                db, sql: "SELECT password_hash, display_name FROM confirmation WHERE digest = ?", arguments: [digest])
            guard let accountID = try Self.takeSingleUse(table: "confirmation", digest: digest, now: now, in: db)
            else { return nil }
            let hash: String? = chosen?["password_hash"], name: String? = chosen?["display_name"]
            try db.execute(
                sql: """
                    UPDATE account SET confirmed = 1, password_hash = COALESCE(?, password_hash),
                        display_name = COALESCE(?, display_name)
                    WHERE id = ? AND (? IS NULL OR password_hash = ?)
                    """,
                arguments: [hash, name, accountID, hash, Account.noPassword])
            guard db.changesCount > 0 else { return nil }
            try db.execute(sql: "DELETE FROM confirmation WHERE account_id = ?", arguments: [accountID])
            return accountID
        }
    }

    /// Deletes the single-use row with this digest from `table` (a confirmation link or a
    /// half-done sign-in: `digest`, `account_id`, `expires_at`) and returns its account if it
    /// had not expired. Deleting even an expired row means a link never works twice.
    static func takeSingleUse(table: String, digest: String, now: Date, in db: Database) throws -> Int64? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT account_id, expires_at FROM \(table) WHERE digest = ?", arguments: [digest])
        else { return nil }
        try db.execute(sql: "DELETE FROM \(table) WHERE digest = ?", arguments: [digest])
        guard seconds(now) < (row["expires_at"] as Int64) else { return nil }
        return row["account_id"]
    }
}
