import AuthTokenStore
import Foundation

extension StoreSQL {
    static let twoFactor = SQLStatement(
        "SELECT account_id, sealed_secret, enabled, last_step FROM two_factor WHERE account_id = ?")
    static let storePendingTwoFactor = SQLStatement("""
        INSERT INTO two_factor (account_id, sealed_secret, enabled) VALUES (?, ?, FALSE)
        ON CONFLICT (account_id) DO UPDATE SET sealed_secret = excluded.sealed_secret
        WHERE NOT two_factor.enabled
        """)
    static let resealTwoFactor = SQLStatement(
        "UPDATE two_factor SET sealed_secret = ? WHERE account_id = ? AND sealed_secret = ?")
    static let enableTwoFactor = SQLStatement("""
        UPDATE two_factor SET enabled = TRUE, last_step = ?
        WHERE account_id = ? AND NOT enabled AND sealed_secret = ?
        """)
    static let deleteTwoFactor = SQLStatement("DELETE FROM two_factor WHERE account_id = ?")
    static let acceptStep = SQLStatement("""
        UPDATE two_factor SET last_step = ?
        WHERE account_id = ? AND enabled AND (last_step IS NULL OR last_step < ?)
        """)
    static let deleteRecoveryCodes = SQLStatement("DELETE FROM recovery_code WHERE account_id = ?")
    static let insertRecoveryCode = SQLStatement(
        "INSERT INTO recovery_code (account_id, digest) VALUES (?, ?) ON CONFLICT DO NOTHING")
    static let useRecoveryCode = SQLStatement("DELETE FROM recovery_code WHERE account_id = ? AND digest = ?")
    static let countRecoveryCodes = SQLStatement("SELECT count(*) FROM recovery_code WHERE account_id = ?")

    public static let appPasswordColumns = "id, account_id, name, password_hash, created_at, last_used_at"
    static let countAppPasswords = SQLStatement("SELECT count(*) FROM app_password WHERE account_id = ?")
    static let insertAppPassword = SQLStatement("""
        INSERT INTO app_password (account_id, name, password_hash, lookup_digest, created_at)
        VALUES (?, ?, ?, ?, ?) RETURNING id
        """)
    static let appPasswordsOfAccount = SQLStatement(
        "SELECT \(appPasswordColumns) FROM app_password WHERE account_id = ? ORDER BY id")
    static let appPasswordByLookup = SQLStatement(
        "SELECT \(appPasswordColumns) FROM app_password WHERE account_id = ? AND lookup_digest = ?")
    static let deleteAppPassword = SQLStatement("DELETE FROM app_password WHERE id = ? AND account_id = ?")
    static let setAppPasswordLookup = SQLStatement("UPDATE app_password SET lookup_digest = ? WHERE id = ?")
    static let touchAppPassword = SQLStatement(
        "UPDATE app_password SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")
}

/// TOTP secrets, recovery codes and application-specific passwords, always scoped to
/// their account.
extension SQLStore {
    public func twoFactor(accountID: Int64) throws -> TwoFactorRecord? {
        try read { db in
            try db.row(StoreSQL.twoFactor, [.integer(accountID)]).map { row in
                TwoFactorRecord(
                    accountID: try row.int64(0), sealedSecret: try row.bytes(1), enabled: try row.bool(2),
                    lastStep: try row.optionalInt64(3))
            }
        }
    }

    @discardableResult
    public func storePendingTwoFactor(accountID: Int64, sealedSecret: [UInt8]) throws -> Bool {
        try write { db in try db.changesRow(StoreSQL.storePendingTwoFactor, [.integer(accountID), .bytes(sealedSecret)]) }
    }

    @discardableResult
    public func resealTwoFactor(accountID: Int64, old: [UInt8], new: [UInt8]) throws -> Bool {
        try write { db in try db.changesRow(StoreSQL.resealTwoFactor, [.bytes(new), .integer(accountID), .bytes(old)]) }
    }

    /// One transaction: turn on (only the pending secret that was checked: a concurrent
    /// set-up's UPDATE holds the row, and this one re-checks `sealed_secret` on the row it
    /// left), then replace the recovery codes and end the other sessions.
    @discardableResult
    public func enableTwoFactor(
        accountID: Int64, sealedSecret: [UInt8], step: Int64, recoveryDigests: [String], keepSession: String?
    ) throws -> Bool {
        try transaction { db in
            guard try db.changesRow(StoreSQL.enableTwoFactor, [.integer(step), .integer(accountID), .bytes(sealedSecret)])
            else { return false }
            try db.run(StoreSQL.deleteRecoveryCodes, [.integer(accountID)])
            for digest in recoveryDigests {
                try db.run(StoreSQL.insertRecoveryCode, [.integer(accountID), .text(digest)])
            }
            try db.run(StoreSQL.deleteSessionsExcept, [.integer(accountID), .optionalText(keepSession)])
            return true
        }
    }

    /// One transaction: the secret, the recovery codes, the passkeys, their challenges and
    /// the half-done sign-ins go together.
    @discardableResult
    public func disableTwoFactor(accountID: Int64) throws -> Bool {
        try transaction { db in
            let removed = try db.changesRow(StoreSQL.deleteTwoFactor, [.integer(accountID)])
            try db.run(StoreSQL.deleteRecoveryCodes, [.integer(accountID)])
            let keys = try db.run(StoreSQL.deletePasskeysOfAccount, [.integer(accountID)])
            try db.run(StoreSQL.deletePasskeyChallengesOfAccount, [.integer(accountID)])
            try db.run(StoreSQL.deletePendingSignInsOfAccount, [.integer(accountID)])
            return removed || keys > 0
        }
    }

    /// One conditional UPDATE. A second request with the same step waits for the first's
    /// lock and then re-checks `last_step < ?` on the row the first left: false, so a code
    /// is never accepted twice, even from two instances.
    public func acceptStep(accountID: Int64, step: Int64) throws -> Bool {
        try write { db in try db.changesRow(StoreSQL.acceptStep, [.integer(step), .integer(accountID), .integer(step)]) }
    }

    public func useRecoveryCode(accountID: Int64, digest: String) throws -> Bool {
        try write { db in try db.changesRow(StoreSQL.useRecoveryCode, [.integer(accountID), .text(digest)]) }
    }

    public func recoveryCodeCount(accountID: Int64) throws -> Int {
        Int(try read { db in try db.integer(StoreSQL.countRecoveryCodes, [.integer(accountID)]) })
    }

    /// Lock the account, count, insert: one transaction, as `insertAppPassword`.
    @discardableResult
    public func addRecoveryCodesIfNone(accountID: Int64, digests: [String]) throws -> Bool {
        try transaction { db in
            try lockAccount(accountID, db)
            guard try db.integer(StoreSQL.countRecoveryCodes, [.integer(accountID)]) == 0 else { return false }
            for digest in digests {
                try db.run(StoreSQL.insertRecoveryCode, [.integer(accountID), .text(digest)])
            }
            return true
        }
    }

    // MARK: Application-specific passwords

    /// Lock the account, count, insert: one transaction, as `insertToken`.
    public func insertAppPassword(
        accountID: Int64, name: String, passwordHash: String, lookupDigest: String, createdAt: Date, limit: Int
    ) throws -> AppPasswordRecord {
        let id = try transaction({ db -> Int64 in
            try lockAccount(accountID, db)
            let count = try db.integer(StoreSQL.countAppPasswords, [.integer(accountID)])
            guard count < limit else { throw StoreError.appPasswordLimitReached(limit: limit) }
            return try db.integer(StoreSQL.insertAppPassword, [
                .integer(accountID), .text(name), .text(passwordHash), .text(lookupDigest), .date(createdAt),
            ])
        }, landed: { db, _ in try db.row(StoreSQL.appPasswordByLookup, [.integer(accountID), .text(lookupDigest)]) != nil })
        return AppPasswordRecord(
            id: id, accountID: accountID, name: name, passwordHash: passwordHash, createdAt: Self.stored(createdAt),
            lastUsedAt: nil)
    }

    public func appPasswords(accountID: Int64) throws -> [AppPasswordRecord] {
        try read { db in
            try db.rows(StoreSQL.appPasswordsOfAccount, [.integer(accountID)]).map { try AppPasswordRecord(row: $0) }
        }
    }

    public func appPassword(accountID: Int64, lookupDigest: String) throws -> AppPasswordRecord? {
        try read { db in
            try db.row(StoreSQL.appPasswordByLookup, [.integer(accountID), .text(lookupDigest)])
                .map { try AppPasswordRecord(row: $0) }
        }
    }

    @discardableResult
    public func deleteAppPassword(id: Int64, accountID: Int64) throws -> Bool {
        try write { db in try db.changesRow(StoreSQL.deleteAppPassword, [.integer(id), .integer(accountID)]) }
    }

    public func setAppPasswordLookup(id: Int64, lookupDigest: String) throws {
        try write { db in try db.run(StoreSQL.setAppPasswordLookup, [.text(lookupDigest), .integer(id)]) }
    }

    /// Never moves the time back, whichever instance writes last.
    /// Idempotent (a later time only), so a COMMIT that was cut off just runs again.
    public func touchAppPassword(id: Int64, at date: Date) throws {
        try transaction({ db in try db.run(StoreSQL.touchAppPassword, [.date(date), .integer(id), .date(date)]) },
                        landed: { _, _ in false })
    }
}
