import AuthTokenStore
import GRDB

extension SQLiteStore {
    static let grantSQL = """
        SELECT token.id, token.account_id, account.email, account.active, token.scopes, token.expires_at
        FROM token JOIN account ON account.id = token.account_id
        WHERE token.digest = ?
        """
    static let retiredGrantSQL = """
        SELECT token.id, token.account_id, account.email, account.active, token.scopes, token.expires_at,
               retired_token.works_until
        FROM retired_token JOIN token ON token.id = retired_token.token_id JOIN account ON account.id = token.account_id
        WHERE retired_token.digest = ?
        """

    /// One cached statement on the calling thread's own read-only connection, outside a
    /// transaction: a single SELECT is consistent on its own, and skipping BEGIN/COMMIT
    /// saves two round trips into SQLite on every guarded request.
    public func grant(digest: String) throws -> TokenGrant? {
        try checkReaders.connection().unsafeRead { db in
            if let row = try Row.fetchOne(try db.cachedStatement(sql: Self.grantSQL), arguments: [digest]) {
                return Self.grant(from: row, retiredUntil: nil)
            }
            return try Row.fetchOne(try db.cachedStatement(sql: Self.retiredGrantSQL), arguments: [digest])
                .map { Self.grant(from: $0, retiredUntil: $0[6]) }
        }
    }

    static func grant(from row: Row, retiredUntil: Int64?) -> TokenGrant {
        let scopes: String = row[4]
        return TokenGrant(
            tokenID: row[0], accountID: row[1], email: row[2], accountActive: row[3],
            scopes: scopes.split(separator: ",").map(String.init), expiresAt: row[5], retiredUntil: retiredUntil)
    }

    public func recordUses(_ uses: [TokenUse]) throws {
        guard !uses.isEmpty else { return }
        try pool.write { db in
            let statement = try db.cachedStatement(
                sql: """
                    UPDATE token SET last_used_at = ?, last_used_from = ?
                    WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)
                    """)
            for use in uses {
                try statement.execute(arguments: [use.at, use.from, use.tokenID, use.at])
            }
        }
    }
}
