import AuthTokenStore
import Foundation
import GRDB

/// TOTP secrets, recovery codes and half-done sign-ins.
extension SQLiteStore {
    public func twoFactor(accountID: Int64) throws -> TwoFactorRecord? {
        try pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT account_id, sealed_secret, enabled, last_step FROM two_factor WHERE account_id = ?",
                arguments: [accountID]
            ).map { row in
                TwoFactorRecord(
                    accountID: row["account_id"], sealedSecret: [UInt8](row["sealed_secret"] as Data),
                    enabled: row["enabled"], lastStep: row["last_step"])
            }
        }
    }

    public func storePendingTwoFactor(accountID: Int64, sealedSecret: [UInt8]) throws -> Bool {
        try changesRow(
            """
            INSERT INTO two_factor (account_id, sealed_secret, enabled) VALUES (?, ?, 0)
            ON CONFLICT (account_id) DO UPDATE SET sealed_secret = excluded.sealed_secret
            WHERE two_factor.enabled = 0
            """, [accountID, Data(sealedSecret)])
    }

    public func resealTwoFactor(accountID: Int64, old: [UInt8], new: [UInt8]) throws -> Bool {
        try changesRow("UPDATE two_factor SET sealed_secret = ? WHERE account_id = ? AND sealed_secret = ?",
                       [Data(new), accountID, Data(old)])
    }

    public func enableTwoFactor(
        accountID: Int64, sealedSecret: [UInt8], step: Int64, recoveryDigests: [String], keepSession: String?
    ) throws -> Bool {
        try writeImmediately { db in
            try db.execute(
                sql: """
                    UPDATE two_factor SET enabled = 1, last_step = ?
                    WHERE account_id = ? AND enabled = 0 AND sealed_secret = ?
                    """,
                arguments: [step, accountID, Data(sealedSecret)])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "DELETE FROM recovery_code WHERE account_id = ?", arguments: [accountID])
            for digest in recoveryDigests {
                try db.execute(
                    sql: "INSERT INTO recovery_code (account_id, digest) VALUES (?, ?)", arguments: [accountID, digest])
            }
            try db.execute(
                sql: "DELETE FROM web_session WHERE account_id = ? AND digest IS NOT ?",
                arguments: [accountID, keepSession])
            return true
        }
    }

    public func disableTwoFactor(accountID: Int64) throws -> Bool {
        try writeImmediately { db in
            try db.execute(sql: "DELETE FROM two_factor WHERE account_id = ?", arguments: [accountID])
            let removed = db.changesCount > 0
            try db.execute(sql: "DELETE FROM recovery_code WHERE account_id = ?", arguments: [accountID])
            try db.execute(sql: "DELETE FROM pending_sign_in WHERE account_id = ?", arguments: [accountID])
            return removed
        }
    }

    /// One conditional UPDATE: two requests with the same code cannot both see the old step.
    public func acceptStep(accountID: Int64, step: Int64) throws -> Bool {
        try changesRow(
            """
            UPDATE two_factor SET last_step = ?
            WHERE account_id = ? AND enabled = 1 AND (last_step IS NULL OR last_step < ?)
            """, [step, accountID, step])
    }

    public func useRecoveryCode(accountID: Int64, digest: String) throws -> Bool {
        try changesRow("DELETE FROM recovery_code WHERE account_id = ? AND digest = ?", [accountID, digest])
    }

    public func recoveryCodeCount(accountID: Int64) throws -> Int {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM recovery_code WHERE account_id = ?", arguments: [accountID]) ?? 0
        }
    }

    public func createPendingSignIn(digest: String, accountID: Int64, expiresAt: Date) throws {
        try pool.write { db in
            try db.execute(
                sql: "INSERT INTO pending_sign_in (digest, account_id, expires_at) VALUES (?, ?, ?)",
                arguments: [digest, accountID, Self.seconds(expiresAt)])
        }
    }

    public func takePendingSignIn(digest: String, now: Date) throws -> Int64? {
        try writeImmediately { db in
            let accountID = try Self.takeSingleUse(table: "pending_sign_in", digest: digest, now: now, in: db)
            // Abandoned half-done sign-ins go here, so the table never grows.
            try db.execute(sql: "DELETE FROM pending_sign_in WHERE expires_at <= ?", arguments: [Self.seconds(now)])
            return accountID
        }
    }
}
