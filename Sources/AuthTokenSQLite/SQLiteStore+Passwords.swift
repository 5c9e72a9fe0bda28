import AuthTokenStore
import Foundation
import GRDB

extension SQLiteStore {
    public func replacePassword(accountID: Int64, hash: String, keepSession: String?) throws -> Bool {
        try writeImmediately { db in
            try db.execute(sql: "UPDATE account SET password_hash = ? WHERE id = ?", arguments: [hash, accountID])
            guard db.changesCount > 0 else { return false }
            try db.execute(
                sql: "DELETE FROM web_session WHERE account_id = ? AND digest IS NOT ?", arguments: [accountID, keepSession])
            try db.execute(sql: "DELETE FROM pending_sign_in WHERE account_id = ?", arguments: [accountID])
            try db.execute(sql: "DELETE FROM password_reset WHERE account_id = ?", arguments: [accountID])
            return true
        }
    }

    public func createPasswordReset(digest: String, accountID: Int64, expiresAt: Date) throws {
        try pool.write { db in
            try db.execute(
                sql: "INSERT INTO password_reset (digest, account_id, expires_at) VALUES (?, ?, ?)",
                arguments: [digest, accountID, Self.seconds(expiresAt)])
        }
    }

    public func passwordReset(digest: String, now: Date) throws -> Int64? {
        try pool.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT account_id FROM password_reset WHERE digest = ? AND expires_at > ?",
                arguments: [digest, Self.seconds(now)])
        }
    }

    public func takePasswordReset(digest: String, now: Date) throws -> Int64? {
        try writeImmediately { db in
            try Self.takeSingleUse(table: "password_reset", digest: digest, now: now, in: db)
        }
    }
}
