import AuthTokenStore
import Foundation

extension StoreSQL {
    public static let tokenColumns =
        "id, account_id, digest, hint, scopes, display_name, created_at, last_used_at, last_used_from, app_password_id, "
        + "expires_at, lifetime, rotated_at, rotated_from"

    // The token check (each backend runs these on its own per-thread connection).
    public static let grant = SQLStatement("""
        SELECT token.id, token.account_id, account.email, account.active, token.scopes, token.expires_at
        FROM token JOIN account ON account.id = token.account_id
        WHERE token.digest = ?
        """)
    public static let retiredGrant = SQLStatement("""
        SELECT token.id, token.account_id, account.email, account.active, token.scopes, token.expires_at,
               retired_token.works_until
        FROM retired_token JOIN token ON token.id = retired_token.token_id JOIN account ON account.id = token.account_id
        WHERE retired_token.digest = ?
        """)

    static let countTokens = SQLStatement("SELECT count(*) FROM token WHERE account_id = ?")
    static let insertToken = SQLStatement("""
        INSERT INTO token (account_id, digest, hint, scopes, display_name, created_at, app_password_id,
                           expires_at, lifetime)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
        """)
    static let tokensOfAccount = SQLStatement("SELECT \(tokenColumns) FROM token WHERE account_id = ? ORDER BY id")
    static let tokenByDigest = SQLStatement("SELECT \(tokenColumns) FROM token WHERE digest = ?")
    static let tokenByID = SQLStatement("SELECT \(tokenColumns) FROM token WHERE id = ?")
    static let tokenOfAccount = SQLStatement("SELECT \(tokenColumns) FROM token WHERE id = ? AND account_id = ?")
    static let deleteTokenOfAccount = SQLStatement("DELETE FROM token WHERE id = ? AND account_id = ?")
    static let deleteTokenByDigest = SQLStatement("DELETE FROM token WHERE digest = ?")
    static let replaceTokenSecret = SQLStatement("""
        UPDATE token SET digest = ?, hint = ?, last_used_at = NULL, last_used_from = NULL, expires_at = ?,
            reminded_days = NULL, rotated_at = NULL, rotated_from = NULL
        WHERE id = ? AND account_id = ? RETURNING \(tokenColumns)
        """)
    static let deleteRetiredOfToken = SQLStatement("DELETE FROM retired_token WHERE token_id = ?")
    static let rotateToken = SQLStatement("""
        UPDATE token SET digest = ?, hint = ?, expires_at = ?, rotated_at = ?, rotated_from = ?, reminded_days = NULL
        WHERE id = ? AND digest = ? RETURNING \(tokenColumns)
        """)
    static let insertRetiredToken = SQLStatement(
        "INSERT INTO retired_token (digest, token_id, hint, retired_at, works_until) VALUES (?, ?, ?, ?, ?)")
    static let tokensToRemind = SQLStatement("""
        SELECT token.id, account.email, token.display_name, token.hint, token.expires_at,
               token.last_used_at, token.last_used_from
        FROM token JOIN account ON account.id = token.account_id
        WHERE token.expires_at > ? AND token.expires_at <= ? AND token.last_used_at >= ?
          AND (token.reminded_days IS NULL OR token.reminded_days > ?) AND account.active
        ORDER BY token.id
        """)
    static let markReminded = SQLStatement("""
        UPDATE token SET reminded_days = ?
        WHERE id = ? AND expires_at = ? AND (reminded_days IS NULL OR reminded_days > ?)
        """)
}

/// Tokens; the token check (`grant`) and last-use writes (`recordUses`) are each backend's own.
extension SQLStore {
    /// Lock the account, count, insert: one transaction (see `lockAccount`).
    public func insertToken(_ new: NewToken, limit: Int) throws -> TokenRecord {
        let id = try transaction({ db -> Int64 in
            try lockAccount(new.accountID, db)
            let count = try db.integer(StoreSQL.countTokens, [.integer(new.accountID)])
            guard count < limit else { throw StoreError.tokenLimitReached(limit: limit) }
            return try db.integer(StoreSQL.insertToken, [
                .integer(new.accountID), .text(new.digest), .text(new.hint), .text(new.scopes.joined(separator: ",")),
                .text(new.displayName), .date(new.createdAt), .optionalInteger(new.appPasswordID),
                .optionalDate(new.expiresAt), .optionalInteger(new.lifetime),
            ])
        }, landed: { db, _ in try db.row(StoreSQL.tokenByDigest, [.text(new.digest)]) != nil })
        return TokenRecord(
            id: id, accountID: new.accountID, digest: new.digest, hint: new.hint, scopes: new.scopes,
            displayName: new.displayName, createdAt: Self.stored(new.createdAt), appPasswordID: new.appPasswordID,
            expiresAt: new.expiresAt.map(Self.stored), lifetime: new.lifetime)
    }

    /// A time as the schema keeps it (whole seconds).
    static func stored(_ date: Date) -> Date {
        Date(timeIntervalSince1970: Double(SQLValue.seconds(date)))
    }

    public func tokens(accountID: Int64) throws -> [TokenRecord] {
        try read { db in try db.rows(StoreSQL.tokensOfAccount, [.integer(accountID)]).map { try TokenRecord(row: $0) } }
    }

    public func token(digest: String) throws -> TokenRecord? {
        try read { db in try db.row(StoreSQL.tokenByDigest, [.text(digest)]).map { try TokenRecord(row: $0) } }
    }

    public func token(id: Int64, accountID: Int64) throws -> TokenRecord? {
        try read { db in
            try db.row(StoreSQL.tokenOfAccount, [.integer(id), .integer(accountID)]).map { try TokenRecord(row: $0) }
        }
    }

    @discardableResult
    public func deleteToken(id: Int64, accountID: Int64) throws -> Bool {
        try transaction({ db in try db.changesRow(StoreSQL.deleteTokenOfAccount, [.integer(id), .integer(accountID)]) },
                        landed: { db, deleted in try !deleted || db.row(StoreSQL.tokenByID, [.integer(id)]) == nil })
    }

    /// A deletion that found the row is acknowledged once the row is gone, whoever's COMMIT
    /// that was: the token is revoked either way.
    @discardableResult
    public func deleteToken(digest: String) throws -> Bool {
        try transaction({ db in try db.changesRow(StoreSQL.deleteTokenByDigest, [.text(digest)]) },
                        landed: { db, deleted in try !deleted || db.row(StoreSQL.tokenByDigest, [.text(digest)]) == nil })
    }

    /// One transaction: the new digest (the last use forgotten with the old secret), then
    /// the rotated-out values go. The UPDATE comes first: it waits for a rotation holding
    /// the token's row, so the DELETE (in PostgreSQL a new snapshot) sees the value that
    /// rotation retired.
    public func replaceTokenSecret(id: Int64, accountID: Int64, digest: String, hint: String, expiresAt: Date?) throws
        -> TokenRecord?
    {
        try transaction { db -> TokenRecord? in
            guard let row = try db.row(StoreSQL.replaceTokenSecret, [
                .text(digest), .text(hint), .optionalDate(expiresAt), .integer(id), .integer(accountID),
            ]) else { return nil }
            let token = try TokenRecord(row: row)
            try db.run(StoreSQL.deleteRetiredOfToken, [.integer(id)])
            return token
        }
    }

    /// One transaction: the UPDATE matches only while the old digest is still current, so
    /// of two concurrent rotations of one value exactly one wins.
    public func rotateToken(_ rotation: TokenRotation) throws -> TokenRecord? {
        try transaction { db -> TokenRecord? in
            guard let row = try db.row(StoreSQL.rotateToken, [
                .text(rotation.newDigest), .text(rotation.newHint), .optionalDate(rotation.expiresAt), .date(rotation.at),
                .text(rotation.oldHint), .integer(rotation.tokenID), .text(rotation.oldDigest),
            ]) else { return nil }
            let token = try TokenRecord(row: row)
            try db.run(StoreSQL.insertRetiredToken, [
                .text(rotation.oldDigest), .integer(rotation.tokenID), .text(rotation.oldHint), .date(rotation.at),
                .date(rotation.worksUntil),
            ])
            return token
        }
    }

    // MARK: Expiry reminders

    public func tokensToRemind(now: Date, expiringBy: Date, usedSince: Date, days: Int) throws -> [TokenReminder] {
        try read { db in
            try db.rows(StoreSQL.tokensToRemind, [.date(now), .date(expiringBy), .date(usedSince), .int(days)]).map { row in
                TokenReminder(
                    tokenID: try row.int64(0), email: try row.string(1), displayName: try row.string(2),
                    hint: try row.string(3), expiresAt: try row.date(4), lastUsedAt: try row.date(5),
                    lastUsedFrom: try row.optionalString(6) ?? "")
            }
        }
    }

    /// One UPDATE: its WHERE is the compare, so concurrent instances cannot both win.
    public func markReminded(tokenID: Int64, days: Int, expiresAt: Date) throws -> Bool {
        try write { db in
            try db.changesRow(StoreSQL.markReminded, [.int(days), .integer(tokenID), .date(expiresAt), .int(days)])
        }
    }
}
