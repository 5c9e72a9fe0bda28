import AuthTokenStore
import Foundation

extension PostgresStore {
    public func replacePassword(accountID: Int64, hash: String, keepSession: String?) throws -> Bool {
        try transaction { connection in
            let updated = try connection.executePrepared(
                "UPDATE account SET password_hash = $2 WHERE id = $1", [accountID, hash])
            guard (updated.affectedRows ?? 0) > 0 else { return false }
            try connection.executePrepared(
                "DELETE FROM web_session WHERE account_id = $1 AND digest IS DISTINCT FROM $2::text",
                [accountID, keepSession])
            try connection.executePrepared("DELETE FROM pending_sign_in WHERE account_id = $1", [accountID])
            try connection.executePrepared("DELETE FROM password_reset WHERE account_id = $1", [accountID])
            return true
        }
    }

    public func createPasswordReset(digest: String, accountID: Int64, expiresAt: Date) throws {
        try run(
            "INSERT INTO password_reset (digest, account_id, expires_at) VALUES ($1, $2, $3)",
            [digest, accountID, Self.seconds(expiresAt)])
    }

    public func passwordReset(digest: String, now: Date) throws -> Int64? {
        try run(
            "SELECT account_id FROM password_reset WHERE digest = $1 AND expires_at > $2::int8",
            [digest, Self.seconds(now)]
        ).first.map { try $0.int64(0) }
    }

    /// `DELETE ... RETURNING`: of two uses at once, one gets the row.
    public func takePasswordReset(digest: String, now: Date) throws -> Int64? {
        try run(
            "DELETE FROM password_reset WHERE digest = $1 RETURNING account_id, expires_at", [digest]
        ).first.flatMap { row in try row.int64(1) > Self.seconds(now) ? try row.int64(0) : nil }
    }
}
