import AuthTokenStore
import Foundation

extension PostgresStore {
    public func createConfirmation(digest: String, accountID: Int64, expiresAt: Date) throws {
        try run(
            "INSERT INTO confirmation (digest, account_id, expires_at) VALUES ($1, $2, $3)",
            [digest, accountID, Self.seconds(expiresAt)])
    }

    public func addRegistrationLink(
        digest: String, accountID: Int64, expiresAt: Date, passwordHash: String, displayName: String
    ) throws -> Bool {
        try run(
            """
            INSERT INTO confirmation (digest, account_id, expires_at, password_hash, display_name)
            SELECT $1::text, id, $2::int8, $3::text, $4::text FROM account
            WHERE id = $5::int8 AND NOT confirmed AND password_hash = $6::text
            RETURNING account_id
            """, [digest, Self.seconds(expiresAt), passwordHash, displayName, accountID, Account.noPassword]
        ).first != nil
    }

    /// One transaction: the link is deleted (expired or not, so it never works twice) and,
    /// if it was still valid, its account confirmed, with the link's password and name when
    /// it holds them and the account has no password yet; then its other links go. The
    /// account's row is locked first, so clicks on its links take turns (none deadlocks on
    /// another's clean-up), and the later one finds its link gone.
    public func useConfirmation(digest: String, now: Date) throws -> Int64? {
        try transaction { connection in
            guard let accountID = try connection.executePrepared(
                "SELECT account_id FROM confirmation WHERE digest = $1", [digest]
            ).first.map({ try $0.int64(0) })
            else { return nil }
            try connection.executePrepared("SELECT id FROM account WHERE id = $1 FOR UPDATE", [accountID])
            let confirmed = try connection.executePrepared(
                """
                WITH taken AS (
                    DELETE FROM confirmation WHERE digest = $1
                    RETURNING account_id, expires_at, password_hash, display_name)
                UPDATE account SET confirmed = true, password_hash = COALESCE(taken.password_hash, account.password_hash),
                    display_name = COALESCE(taken.display_name, account.display_name)
                FROM taken
                WHERE account.id = taken.account_id AND taken.expires_at > $2::int8
                    AND (taken.password_hash IS NULL OR account.password_hash = $3::text)
                RETURNING account.id
                """, [digest, Self.seconds(now), Account.noPassword]
            ).first.map { try $0.int64(0) }
            if let confirmed {
                try connection.executePrepared("DELETE FROM confirmation WHERE account_id = $1", [confirmed])
            }
            return confirmed
        }
    }
}
