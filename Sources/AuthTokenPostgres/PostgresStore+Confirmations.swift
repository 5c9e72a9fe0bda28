import AuthTokenStore
import Foundation

extension PostgresStore {
    public func createConfirmation(digest: String, accountID: Int64, expiresAt: Date) throws {
        try run(
            "INSERT INTO confirmation (digest, account_id, expires_at) VALUES ($1, $2, $3)",
            [digest, accountID, Self.seconds(expiresAt)])
    }

    /// The account's row is locked by its UPDATE, so a confirmation racing with this waits
    /// and then finds its link deleted.
    public func restartRegistration(
        accountID: Int64, _ registration: NewAccount, linkDigest: String, linkExpiresAt: Date
    ) throws -> Bool {
        try transaction { connection in
            let updated = try connection.executePrepared(
                """
                UPDATE account SET email = $2, email_key = $3, display_name = $4, password_hash = $5, created_at = $6
                WHERE id = $1 AND NOT confirmed
                """,
                [accountID, registration.email, Account.key(forEmail: registration.email), registration.displayName,
                 registration.passwordHash, Self.seconds(registration.createdAt)])
            guard (updated.affectedRows ?? 0) > 0 else { return false }
            try connection.executePrepared("DELETE FROM confirmation WHERE account_id = $1", [accountID])
            try connection.executePrepared(
                "INSERT INTO confirmation (digest, account_id, expires_at) VALUES ($1, $2, $3)",
                [linkDigest, accountID, Self.seconds(linkExpiresAt)])
            return true
        }
    }

    /// One statement: the link is deleted (expired or not, so it never works twice) and, if
    /// it was still valid, its account confirmed. Of two clicks at the same moment, the
    /// second waits for the first's row lock and then finds no row to delete.
    public func useConfirmation(digest: String, now: Date) throws -> Int64? {
        try run(
            """
            WITH taken AS (DELETE FROM confirmation WHERE digest = $1 RETURNING account_id, expires_at)
            UPDATE account SET confirmed = true FROM taken
            WHERE account.id = taken.account_id AND taken.expires_at > $2::int8
            RETURNING account.id
            """, [digest, Self.seconds(now)]
        ).first.map { try $0.int64(0) }
    }
}
