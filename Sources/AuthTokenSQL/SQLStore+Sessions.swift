import AuthTokenStore
import Foundation

extension StoreSQL {
    static let insertSession = SQLStatement("""
        INSERT INTO web_session (digest, account_id, created_at, last_seen_at, address, user_agent, second_factor)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """)
    static let sessionsOfAccount = SQLStatement("""
        SELECT digest, created_at, last_seen_at, address, user_agent FROM web_session
        WHERE account_id = ? ORDER BY last_seen_at DESC, created_at DESC, digest
        """)
    static let deleteSessionsExcept = SQLStatement(
        "DELETE FROM web_session WHERE account_id = ? AND digest IS DISTINCT FROM CAST(? AS TEXT)")
    static let session = SQLStatement("""
        SELECT account.id, account.email, account.display_name, account.password_hash, account.confirmed,
               account.active, account.created_at, account.admin,
               web_session.digest, web_session.created_at, web_session.last_seen_at, web_session.second_factor
        FROM web_session JOIN account ON account.id = web_session.account_id
        WHERE web_session.digest = ? AND account.active
        """)
    static let touchSession = SQLStatement("UPDATE web_session SET last_seen_at = ? WHERE digest = ? AND last_seen_at < ?")
    static let deleteSession = SQLStatement("DELETE FROM web_session WHERE digest = ?")
    static let deleteExpiredSessions = SQLStatement("DELETE FROM web_session WHERE last_seen_at < ? OR created_at < ?")

    static let insertConfirmation = SQLStatement("INSERT INTO confirmation (digest, account_id, expires_at) VALUES (?, ?, ?)")
    static let takeConfirmation = SQLStatement(
        "DELETE FROM confirmation WHERE digest = ? RETURNING account_id, expires_at")
    static let confirmAccount = SQLStatement("UPDATE account SET confirmed = TRUE WHERE id = ?")
    static let restartRegistration = SQLStatement("""
        UPDATE account SET email = ?, email_key = ?, display_name = ?, password_hash = ?, created_at = ?
        WHERE id = ? AND NOT confirmed
        """)
    static let deleteConfirmationsOfAccount = SQLStatement("DELETE FROM confirmation WHERE account_id = ?")

    static let insertPendingSignIn = SQLStatement(
        "INSERT INTO pending_sign_in (digest, account_id, expires_at) VALUES (?, ?, ?)")
    static let takePendingSignIn = SQLStatement(
        "DELETE FROM pending_sign_in WHERE digest = ? RETURNING account_id, expires_at")
    static let deleteExpiredPendingSignIns = SQLStatement("DELETE FROM pending_sign_in WHERE expires_at <= ?")
    static let deletePendingSignInsOfAccount = SQLStatement("DELETE FROM pending_sign_in WHERE account_id = ?")

    static let insertPasswordReset = SQLStatement(
        "INSERT INTO password_reset (digest, account_id, expires_at) VALUES (?, ?, ?)")
    static let passwordReset = SQLStatement("SELECT account_id FROM password_reset WHERE digest = ? AND expires_at > ?")
    static let takePasswordReset = SQLStatement(
        "DELETE FROM password_reset WHERE digest = ? RETURNING account_id, expires_at")
    static let deletePasswordResetsOfAccount = SQLStatement("DELETE FROM password_reset WHERE account_id = ?")
}

/// Sessions, confirmation links, half-done sign-ins and password resets.
extension SQLStore {
    public func createSession(
        digest: String, accountID: Int64, at date: Date, address: String, userAgent: String, secondFactor: Bool
    ) throws {
        try write { db in
            try db.run(StoreSQL.insertSession, [
                .text(digest), .integer(accountID), .date(date), .date(date), .text(address), .text(userAgent),
                .bool(secondFactor),
            ])
        }
    }

    public func sessions(accountID: Int64) throws -> [SessionSummary] {
        try read { db in
            try db.rows(StoreSQL.sessionsOfAccount, [.integer(accountID)]).map { row in
                SessionSummary(
                    digest: try row.string(0), createdAt: try row.date(1), lastSeenAt: try row.date(2),
                    address: try row.string(3), userAgent: try row.string(4))
            }
        }
    }

    @discardableResult
    public func deleteSessions(accountID: Int64, except: String?) throws -> Int {
        try write { db in try db.run(StoreSQL.deleteSessionsExcept, [.integer(accountID), .optionalText(except)]) }
    }

    /// One query with the account, filtered on `active`: a deactivated account's session
    /// stops working on its very next request.
    public func session(digest: String) throws -> SessionRecord? {
        try read { db in
            try db.row(StoreSQL.session, [.text(digest)]).map { row in
                SessionRecord(
                    digest: try row.string(8), createdAt: try row.date(9), lastSeenAt: try row.date(10),
                    account: try Account(row: row), secondFactor: try row.bool(11))
            }
        }
    }

    /// Never moves the time back: instances that touch one session at nearly the same
    /// moment leave the latest time.
    public func touchSession(digest: String, at date: Date) throws {
        try write { db in try db.run(StoreSQL.touchSession, [.date(date), .text(digest), .date(date)]) }
    }

    @discardableResult
    public func deleteSession(digest: String) throws -> Bool {
        try write { db in try db.changesRow(StoreSQL.deleteSession, [.text(digest)]) }
    }

    @discardableResult
    public func deleteExpiredSessions(idleBefore: Date, createdBefore: Date) throws -> Int {
        try write { db in try db.run(StoreSQL.deleteExpiredSessions, [.date(idleBefore), .date(createdBefore)]) }
    }

    // MARK: Confirmation links

    public func createConfirmation(digest: String, accountID: Int64, expiresAt: Date) throws {
        try write { db in
            try db.run(StoreSQL.insertConfirmation, [.text(digest), .integer(accountID), .date(expiresAt)])
        }
    }

    /// Taken and confirmed in one transaction. `DELETE … RETURNING` takes the link: of two
    /// clicks at the same moment, the second waits for the first's row lock (PostgreSQL) or
    /// write lock (SQLite) and then finds no row.
    public func useConfirmation(digest: String, now: Date) throws -> Int64? {
        try transaction { db -> Int64? in
            guard let accountID = try Self.takeSingleUse(StoreSQL.takeConfirmation, digest: digest, now: now, db)
            else { return nil }
            return try db.changesRow(StoreSQL.confirmAccount, [.integer(accountID)]) ? accountID : nil
        }
    }

    /// The account's row is locked by its UPDATE, so a confirmation racing with this waits
    /// and then finds its link deleted.
    public func restartRegistration(
        accountID: Int64, _ registration: NewAccount, linkDigest: String, linkExpiresAt: Date
    ) throws -> Bool {
        try transaction { db in
            guard try db.changesRow(StoreSQL.restartRegistration, [
                .text(registration.email), .text(Account.key(forEmail: registration.email)),
                .text(registration.displayName), .text(registration.passwordHash), .date(registration.createdAt),
                .integer(accountID),
            ]) else { return false }
            try db.run(StoreSQL.deleteConfirmationsOfAccount, [.integer(accountID)])
            try db.run(StoreSQL.insertConfirmation, [.text(linkDigest), .integer(accountID), .date(linkExpiresAt)])
            return true
        }
    }

    /// Runs `take` (a `DELETE … RETURNING account_id, expires_at` of a single-use row: a
    /// confirmation link, half-done sign-in or reset link) and returns the account if the
    /// row had not expired. Deleting even an expired row means a link never works twice.
    static func takeSingleUse(_ take: SQLStatement, digest: String, now: Date, _ db: Executor) throws -> Int64? {
        guard let row = try db.row(take, [.text(digest)]) else { return nil }
        guard SQLValue.seconds(now) < (try row.int64(1)) else { return nil }
        return try row.int64(0)
    }

    // MARK: Half-done sign-ins

    public func createPendingSignIn(digest: String, accountID: Int64, expiresAt: Date) throws {
        try write { db in
            try db.run(StoreSQL.insertPendingSignIn, [.text(digest), .integer(accountID), .date(expiresAt)])
        }
    }

    /// Takes the record (expired or not, so it never works twice); abandoned expired ones
    /// go too, so the table never grows.
    public func takePendingSignIn(digest: String, now: Date) throws -> Int64? {
        try transaction { db in
            let accountID = try Self.takeSingleUse(StoreSQL.takePendingSignIn, digest: digest, now: now, db)
            try db.run(StoreSQL.deleteExpiredPendingSignIns, [.date(now)])
            return accountID
        }
    }

    // MARK: Passwords

    public func replacePassword(accountID: Int64, hash: String, keepSession: String?) throws -> Bool {
        try transaction { db in
            guard try db.changesRow(StoreSQL.setPasswordHash, [.text(hash), .integer(accountID)]) else { return false }
            try db.run(StoreSQL.deleteSessionsExcept, [.integer(accountID), .optionalText(keepSession)])
            try db.run(StoreSQL.deletePendingSignInsOfAccount, [.integer(accountID)])
            try db.run(StoreSQL.deletePasswordResetsOfAccount, [.integer(accountID)])
            return true
        }
    }

    public func createPasswordReset(digest: String, accountID: Int64, expiresAt: Date) throws {
        try write { db in
            try db.run(StoreSQL.insertPasswordReset, [.text(digest), .integer(accountID), .date(expiresAt)])
        }
    }

    public func passwordReset(digest: String, now: Date) throws -> Int64? {
        try read { db in try db.row(StoreSQL.passwordReset, [.text(digest), .date(now)]).map { try $0.int64(0) } }
    }

    /// `DELETE … RETURNING`: of two uses at once, one gets the row.
    public func takePasswordReset(digest: String, now: Date) throws -> Int64? {
        try write { db in try Self.takeSingleUse(StoreSQL.takePasswordReset, digest: digest, now: now, db) }
    }
}
