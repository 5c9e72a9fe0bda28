import AuthTokenStore
import Foundation

extension StoreSQL {
    static let passkeyColumns =
        "id, account_id, credential_id, public_key, sign_count, name, created_at, last_used_at"
    static let countPasskeys = SQLStatement("SELECT count(*) FROM passkey WHERE account_id = ?")
    static let credentialTaken = SQLStatement("SELECT count(*) FROM passkey WHERE credential_id = ?")
    static let insertPasskey = SQLStatement("""
        INSERT INTO passkey (account_id, credential_id, public_key, sign_count, name, created_at)
        VALUES (?, ?, ?, ?, ?, ?) RETURNING id
        """)
    static let passkeysOfAccount = SQLStatement(
        "SELECT \(passkeyColumns) FROM passkey WHERE account_id = ? ORDER BY id")
    static let passkeyByCredential = SQLStatement(
        "SELECT \(passkeyColumns) FROM passkey WHERE account_id = ? AND credential_id = ?")
    static let renamePasskey = SQLStatement("UPDATE passkey SET name = ? WHERE id = ? AND account_id = ?")
    static let deletePasskey = SQLStatement("DELETE FROM passkey WHERE id = ? AND account_id = ?")
    static let deletePasskeysOfAccount = SQLStatement("DELETE FROM passkey WHERE account_id = ?")
    static let usePasskey = SQLStatement(
        "UPDATE passkey SET sign_count = ?, last_used_at = ? WHERE id = ? AND sign_count = ?")
    static let insertPasskeyChallenge = SQLStatement(
        "INSERT INTO passkey_challenge (digest, account_id, purpose, expires_at) VALUES (?, ?, ?, ?)")
    static let takePasskeyChallenge = SQLStatement(
        "DELETE FROM passkey_challenge WHERE digest = ? RETURNING account_id, purpose, expires_at")
    static let deletePasskeyChallengesOfAccount = SQLStatement("DELETE FROM passkey_challenge WHERE account_id = ?")
    static let deleteExpiredPasskeyChallenges = SQLStatement("DELETE FROM passkey_challenge WHERE expires_at <= ?")
}

extension PasskeyRecord {
    /// `StoreSQL.passkeyColumns`.
    init(row: some SQLRowReading) throws {
        self.init(
            id: try row.int64(0), accountID: try row.int64(1), credentialID: try row.bytes(2), publicKey: try row.bytes(3),
            signCount: try row.int64(4), name: try row.string(5), createdAt: try row.date(6),
            lastUsedAt: try row.optionalDate(7))
    }
}

/// Passkeys and their challenges, always scoped to their account.
extension SQLStore {
    /// Lock the account, check, count, insert: one transaction, as `insertAppPassword`.
    public func insertPasskey(
        accountID: Int64, credentialID: [UInt8], publicKey: [UInt8], signCount: Int64, name: String, createdAt: Date,
        limit: Int
    ) throws -> PasskeyRecord {
        let id = try transaction { db -> Int64 in
            try lockAccount(accountID, db)
            guard try db.integer(StoreSQL.credentialTaken, [.bytes(credentialID)]) == 0 else {
                throw StoreError.duplicateCredential
            }
            guard try db.integer(StoreSQL.countPasskeys, [.integer(accountID)]) < limit else {
                throw StoreError.passkeyLimitReached(limit: limit)
            }
            return try db.integer(StoreSQL.insertPasskey, [
                .integer(accountID), .bytes(credentialID), .bytes(publicKey), .integer(signCount), .text(name),
                .date(createdAt),
            ])
        }
        return PasskeyRecord(
            id: id, accountID: accountID, credentialID: credentialID, publicKey: publicKey, signCount: signCount,
            name: name, createdAt: Self.stored(createdAt), lastUsedAt: nil)
    }

    public func passkeys(accountID: Int64) throws -> [PasskeyRecord] {
        try read { db in try db.rows(StoreSQL.passkeysOfAccount, [.integer(accountID)]).map { try PasskeyRecord(row: $0) } }
    }

    public func passkeyCount(accountID: Int64) throws -> Int {
        Int(try read { db in try db.integer(StoreSQL.countPasskeys, [.integer(accountID)]) })
    }

    public func passkey(accountID: Int64, credentialID: [UInt8]) throws -> PasskeyRecord? {
        try read { db in
            try db.row(StoreSQL.passkeyByCredential, [.integer(accountID), .bytes(credentialID)]).map { try PasskeyRecord(row: $0) }
        }
    }

    @discardableResult
    public func renamePasskey(id: Int64, accountID: Int64, name: String) throws -> Bool {
        try write { db in try db.changesRow(StoreSQL.renamePasskey, [.text(name), .integer(id), .integer(accountID)]) }
    }

    @discardableResult
    public func deletePasskey(id: Int64, accountID: Int64) throws -> Bool {
        try write { db in try db.changesRow(StoreSQL.deletePasskey, [.integer(id), .integer(accountID)]) }
    }

    /// One conditional UPDATE: a second sign-in with the same counter finds it moved.
    public func usePasskey(id: Int64, oldSignCount: Int64, newSignCount: Int64, at date: Date) throws -> Bool {
        try write { db in
            try db.changesRow(StoreSQL.usePasskey, [.integer(newSignCount), .date(date), .integer(id), .integer(oldSignCount)])
        }
    }

    public func storePasskeyChallenge(digest: String, accountID: Int64, purpose: String, expiresAt: Date) throws {
        try write { db in
            try db.run(StoreSQL.insertPasskeyChallenge, [.text(digest), .integer(accountID), .text(purpose), .date(expiresAt)])
        }
    }

    /// Deleted whether or not it matches, so a challenge is never tried twice.
    public func takePasskeyChallenge(digest: String, accountID: Int64, purpose: String, now: Date) throws -> Bool {
        guard let row = try write({ db in try db.row(StoreSQL.takePasskeyChallenge, [.text(digest)]) }) else { return false }
        return try row.int64(0) == accountID && row.string(1) == purpose && row.date(2) > now
    }
}
