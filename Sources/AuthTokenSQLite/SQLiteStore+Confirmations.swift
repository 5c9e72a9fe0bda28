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

    /// Taken and confirmed in one IMMEDIATE transaction: of two clicks at the same moment
    /// only one finds the row.
    public func useConfirmation(digest: String, now: Date) throws -> Int64? {
        try writeImmediately { db in
            guard let accountID = try Self.takeSingleUse(table: "confirmation", digest: digest, now: now, in: db)
            else { return nil }
            try db.execute(sql: "UPDATE account SET confirmed = 1 WHERE id = ?", arguments: [accountID])
            return accountID
        }
    }

    public func restartRegistration(
        accountID: Int64, _ registration: NewAccount, linkDigest: String, linkExpiresAt: Date
    ) throws -> Bool {
        try writeImmediately { db in
            try db.execute(
                sql: """
                    UPDATE account SET email = ?, email_key = ?, display_name = ?, password_hash = ?, created_at = ?
                    WHERE id = ? AND confirmed = 0
                    """,
                arguments: [registration.email, Account.key(forEmail: registration.email), registration.displayName,
                            registration.passwordHash, Self.seconds(registration.createdAt), accountID])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "DELETE FROM confirmation WHERE account_id = ?", arguments: [accountID])
            try db.execute(
                sql: "INSERT INTO confirmation (digest, account_id, expires_at) VALUES (?, ?, ?)",
                arguments: [linkDigest, accountID, Self.seconds(linkExpiresAt)])
            return true
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
