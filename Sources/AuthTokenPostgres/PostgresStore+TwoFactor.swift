import AuthTokenStore
import Foundation

/// TOTP secrets, recovery codes and half-done sign-ins.
extension PostgresStore {
    public func twoFactor(accountID: Int64) throws -> TwoFactorRecord? {
        try run("SELECT account_id, sealed_secret, enabled, last_step FROM two_factor WHERE account_id = $1", [accountID])
            .first.map { row in
                TwoFactorRecord(
                    accountID: try row.int64(0), sealedSecret: try row.bytes(1), enabled: try row.bool(2),
                    lastStep: try row.optionalInt64(3))
            }
    }

    public func resealTwoFactor(accountID: Int64, old: [UInt8], new: [UInt8]) throws -> Bool {
        try changesRow("UPDATE two_factor SET sealed_secret = $3 WHERE account_id = $1 AND sealed_secret = $2",
                       [accountID, old, new])
    }

    public func storePendingTwoFactor(accountID: Int64, sealedSecret: [UInt8]) throws -> Bool {
        try changesRow(
            """
            INSERT INTO two_factor (account_id, sealed_secret, enabled) VALUES ($1, $2, false)
            ON CONFLICT (account_id) DO UPDATE SET sealed_secret = excluded.sealed_secret
            WHERE NOT two_factor.enabled
            """, [accountID, sealedSecret])
    }

    /// One transaction: turn on (only the pending secret that was checked: a concurrent
    /// set-up's UPDATE holds the row, and this one re-checks `sealed_secret` on the row it
    /// left), then replace the recovery codes and end the other sessions.
    public func enableTwoFactor(
        accountID: Int64, sealedSecret: [UInt8], step: Int64, recoveryDigests: [String], keepSession: String?
    ) throws -> Bool {
        try transaction { connection in
            let enabled = try connection.executePrepared(
                """
                UPDATE two_factor SET enabled = true, last_step = $2
                WHERE account_id = $1 AND NOT enabled AND sealed_secret = $3
                """,
                [accountID, step, sealedSecret])
            guard (enabled.affectedRows ?? 0) > 0 else { return false }
            try connection.executePrepared("DELETE FROM recovery_code WHERE account_id = $1", [accountID])
            try connection.executePrepared(
                """
                INSERT INTO recovery_code (account_id, digest)
                SELECT $1::int8, digest FROM unnest($2::text[]) AS digest ON CONFLICT DO NOTHING
                """, [accountID, Self.arrayLiteral(recoveryDigests)])
            try connection.executePrepared(
                "DELETE FROM web_session WHERE account_id = $1 AND digest IS DISTINCT FROM $2::text",
                [accountID, keepSession])
            return true
        }
    }

    /// One statement: the secret, the recovery codes and the half-done sign-ins go together.
    public func disableTwoFactor(accountID: Int64) throws -> Bool {
        try changesRow(
            """
            WITH codes AS (DELETE FROM recovery_code WHERE account_id = $1),
                 pending AS (DELETE FROM pending_sign_in WHERE account_id = $1)
            DELETE FROM two_factor WHERE account_id = $1
            """, [accountID])
    }

    /// One conditional UPDATE. A second request with the same step waits for the first's
    /// row lock, and PostgreSQL then re-checks `last_step < $2` on the row the first left:
    /// false, so a code is never accepted twice, even from two instances.
    public func acceptStep(accountID: Int64, step: Int64) throws -> Bool {
        try changesRow(
            """
            UPDATE two_factor SET last_step = $2
            WHERE account_id = $1 AND enabled AND (last_step IS NULL OR last_step < $2)
            """, [accountID, step])
    }

    public func useRecoveryCode(accountID: Int64, digest: String) throws -> Bool {
        try changesRow("DELETE FROM recovery_code WHERE account_id = $1 AND digest = $2", [accountID, digest])
    }

    public func recoveryCodeCount(accountID: Int64) throws -> Int {
        Int(try run("SELECT count(*) FROM recovery_code WHERE account_id = $1", [accountID])[0].int64(0))
    }

    public func createPendingSignIn(digest: String, accountID: Int64, expiresAt: Date) throws {
        try run(
            "INSERT INTO pending_sign_in (digest, account_id, expires_at) VALUES ($1, $2, $3)",
            [digest, accountID, Self.seconds(expiresAt)])
    }

    /// One statement: `DELETE ... RETURNING` takes the record (expired or not, so it never
    /// works twice), and abandoned expired ones go too, so the table never grows.
    public func takePendingSignIn(digest: String, now: Date) throws -> Int64? {
        try run(
            """
            WITH taken AS (DELETE FROM pending_sign_in WHERE digest = $1 RETURNING account_id, expires_at),
                 swept AS (DELETE FROM pending_sign_in WHERE expires_at <= $2::int8 AND digest <> $1)
            SELECT account_id FROM taken WHERE expires_at > $2::int8
            """, [digest, Self.seconds(now)]
        ).first.map { try $0.int64(0) }
    }
}
