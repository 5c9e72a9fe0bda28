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
               account.active, account.created_at, account.admin, account.origin,
               web_session.digest, web_session.created_at, web_session.last_seen_at, web_session.second_factor
        FROM web_session JOIN account ON account.id = web_session.account_id
        WHERE web_session.digest = ? AND account.active
        """)
    static let touchSession = SQLStatement("UPDATE web_session SET last_seen_at = ? WHERE digest = ? AND last_seen_at < ?")
    static let deleteSession = SQLStatement("DELETE FROM web_session WHERE digest = ?")
    static let deleteExpiredSessions = SQLStatement("DELETE FROM web_session WHERE last_seen_at < ? OR created_at < ?")

    static let insertConfirmation = SQLStatement("INSERT INTO confirmation (digest, account_id, expires_at) VALUES (?, ?, ?)")
    static let insertRegistrationLink = SQLStatement("""
        INSERT INTO confirmation (digest, account_id, expires_at, password_hash, display_name)
        SELECT CAST(? AS TEXT), id, CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT) FROM account
        WHERE id = ? AND NOT confirmed AND password_hash = ?
        """)
    static let confirmationAccount = SQLStatement("SELECT account_id FROM confirmation WHERE digest = ?")
    static let takeConfirmation = SQLStatement(
        "DELETE FROM confirmation WHERE digest = ? RETURNING account_id, expires_at, password_hash, display_name")
    static let confirmAccount = SQLStatement("""
        UPDATE account SET confirmed = TRUE, password_hash = COALESCE(?, password_hash),
            display_name = COALESCE(?, display_name)
        WHERE id = ? AND (CAST(? AS TEXT) IS NULL OR password_hash = ?)
        """)
    static let deleteConfirmationsOfAccount = SQLStatement("DELETE FROM confirmation WHERE account_id = ?")

    static let insertPendingSignIn = SQLStatement(
        "INSERT INTO pending_sign_in (digest, account_id, expires_at) VALUES (?, ?, ?)")
    static let takePendingSignIn = SQLStatement(
        "DELETE FROM pending_sign_in WHERE digest = ? RETURNING account_id, expires_at")
    static let deleteExpiredPendingSignIns = SQLStatement("DELETE FROM pending_sign_in WHERE expires_at <= ?")
    static let pendingSignInAccount = SQLStatement(
        "SELECT account_id FROM pending_sign_in WHERE digest = ? AND expires_at > ?")
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
                    digest: try row.string(9), createdAt: try row.date(10), lastSeenAt: try row.date(11),
                    account: try Account(row: row), secondFactor: try row.bool(12))
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

    /// A registration's link, added only while the account waits for its first
    /// confirmation (unconfirmed, no password): one INSERT … SELECT, so the check and the
    /// insert are one atomic step.
    public func addRegistrationLink(
        digest: String, accountID: Int64, expiresAt: Date, passwordHash: String, displayName: String
    ) throws -> Bool {
        try write { db in
            try db.changesRow(StoreSQL.insertRegistrationLink, [
                .text(digest), .date(expiresAt), .text(passwordHash), .text(displayName), .integer(accountID),
                .text(Account.noPassword),
            ])
        }
    }

    /// One transaction. The account is locked first (`lockAccount`), so clicks on its links
    /// take turns (none deadlocks on another's clean-up) and the later one finds its link
    /// gone. The link is deleted (expired or not, so it never works twice); if it was still
    /// valid its account is confirmed, with the link's password and name when it holds them
    /// and the account has no password yet; then the account's other links go.
    public func useConfirmation(digest: String, now: Date) throws -> Int64? {
        try transaction { db -> Int64? in
            guard let accountID = try db.row(StoreSQL.confirmationAccount, [.text(digest)])?.int64(0) else { return nil }
            try lockAccount(accountID, db)
            guard let link = try db.row(StoreSQL.takeConfirmation, [.text(digest)]),
                  SQLValue.seconds(now) < (try link.int64(1))
            else { return nil }
            let hash = try link.optionalString(2), name = try link.optionalString(3)
            guard try db.changesRow(StoreSQL.confirmAccount, [
                .optionalText(hash), .optionalText(name), .integer(accountID), .optionalText(hash),
                .text(Account.noPassword),
            ]) else { return nil }
            try db.run(StoreSQL.deleteConfirmationsOfAccount, [.integer(accountID)])
            return accountID
        }
    }

    /// Runs `take` (a `DELETE … RETURNING account_id, expires_at` of a single-use row: a
    /// half-done sign-in or reset link) and returns the account if the
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

    public func pendingSignInAccount(digest: String, now: Date) throws -> Int64? {
        try read { db in try db.row(StoreSQL.pendingSignInAccount, [.text(digest), .date(now)])?.int64(0) }
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
