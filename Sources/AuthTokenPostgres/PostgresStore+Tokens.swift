import AuthTokenStore
import Foundation

extension PostgresStore {
    static let tokenColumns =
        "id, account_id, digest, hint, scopes, display_name, created_at, last_used_at, last_used_from, app_password_id, "
        + "expires_at, lifetime, rotated_at, rotated_from"

    /// Lock the account's row, count, insert: one transaction. `FOR NO KEY UPDATE` makes
    /// every other cap check for this account (in any process) wait until this one commits,
    /// and its count, a new snapshot, then sees the new row. It does not block foreign-key
    /// checks (`FOR KEY SHARE`), so sessions and the like are not held up.
    public func insertToken(_ new: NewToken, limit: Int) throws -> TokenRecord {
        let created = Self.seconds(new.createdAt)
        let expires = new.expiresAt.map(Self.seconds)
        let id = try transaction { connection -> Int64 in
            try Self.lockAccount(new.accountID, on: connection)
            let count = try connection.executePrepared(
                "SELECT count(*) FROM token WHERE account_id = $1", [new.accountID])[0].int64(0)
            guard count < limit else { throw StoreError.tokenLimitReached(limit: limit) }
            return try connection.executePrepared(
                """
                INSERT INTO token (account_id, digest, hint, scopes, display_name, created_at, app_password_id,
                                   expires_at, lifetime)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id
                """,
                [new.accountID, new.digest, new.hint, new.scopes.joined(separator: ","), new.displayName,
                 created, new.appPasswordID, expires, new.lifetime])[0].int64(0)
        }
        return TokenRecord(
            id: id, accountID: new.accountID, digest: new.digest, hint: new.hint, scopes: new.scopes,
            displayName: new.displayName, createdAt: Self.date(created), appPasswordID: new.appPasswordID,
            expiresAt: expires.map(Self.date), lifetime: new.lifetime)
    }

    /// Takes the account row's lock for the rest of the transaction; `noSuchAccount` when
    /// there is no such row.
    static func lockAccount(_ accountID: Int64, on connection: PostgresConnection) throws {
        guard try connection.executePrepared(
            "SELECT 1 FROM account WHERE id = $1 FOR NO KEY UPDATE", [accountID]).rowCount == 1
        else { throw StoreError.noSuchAccount }
    }

    public func tokens(accountID: Int64) throws -> [TokenRecord] {
        try run("SELECT \(Self.tokenColumns) FROM token WHERE account_id = $1 ORDER BY id", [accountID])
            .map { try Self.token(from: $0) }
    }

    public func token(digest: String) throws -> TokenRecord? {
        try run("SELECT \(Self.tokenColumns) FROM token WHERE digest = $1", [digest]).first.map { try Self.token(from: $0) }
    }

    public func deleteToken(id: Int64, accountID: Int64) throws -> Bool {
        try changesRow("DELETE FROM token WHERE id = $1 AND account_id = $2", [id, accountID])
    }

    public func deleteToken(digest: String) throws -> Bool {
        try changesRow("DELETE FROM token WHERE digest = $1", [digest])
    }

    // MARK: What the browser pages need

    public func token(id: Int64, accountID: Int64) throws -> TokenRecord? {
        try run("SELECT \(Self.tokenColumns) FROM token WHERE id = $1 AND account_id = $2", [id, accountID])
            .first.map { try Self.token(from: $0) }
    }

    /// One transaction: the new digest (the last use forgotten with the old secret), then
    /// the rotated-out values go. The UPDATE comes first: it waits for a rotation holding
    /// the token's row, so the DELETE (a new snapshot) sees the value that rotation retired.
    public func replaceTokenSecret(id: Int64, accountID: Int64, digest: String, hint: String, expiresAt: Date?) throws
        -> TokenRecord?
    {
        try transaction { connection -> TokenRecord? in
            guard let row = try connection.executePrepared(
                """
                UPDATE token SET digest = $3, hint = $4, last_used_at = NULL, last_used_from = NULL, expires_at = $5,
                    reminded_days = NULL, rotated_at = NULL, rotated_from = NULL
                WHERE id = $1 AND account_id = $2 RETURNING \(Self.tokenColumns)
                """, [id, accountID, digest, hint, expiresAt.map(Self.seconds)]
            ).first else { return nil }
            try connection.executePrepared("DELETE FROM retired_token WHERE token_id = $1", [id])
            return try Self.token(from: row)
        }
    }

    static func token(from row: PostgresRow) throws -> TokenRecord {
        TokenRecord(
            id: try row.int64(0), accountID: try row.int64(1), digest: try row.string(2), hint: try row.string(3),
            scopes: try row.string(4).split(separator: ",").map(String.init), displayName: try row.string(5),
            createdAt: date(try row.int64(6)), lastUsedAt: optionalDate(try row.optionalInt64(7)),
            lastUsedFrom: try row.optionalString(8), appPasswordID: try row.optionalInt64(9),
            expiresAt: optionalDate(try row.optionalInt64(10)), lifetime: try row.optionalInt64(11),
            rotatedAt: optionalDate(try row.optionalInt64(12)), rotatedFrom: try row.optionalString(13))
    }
}
