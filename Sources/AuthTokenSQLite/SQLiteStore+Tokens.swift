import AuthTokenSQL
import AuthTokenStore
import GRDB

/// The token check and last-use writes: the hot path, on this backend's own connections.
extension SQLiteStore {
    /// One cached statement on the calling thread's own read-only connection, outside a
    /// transaction: a single SELECT is consistent on its own, and skipping BEGIN/COMMIT
    /// saves two round trips into SQLite on every guarded request.
    public func grant(digest: String) throws -> TokenGrant? {
        try checkReaders.connection().unsafeRead { db in
            if let row = try Row.fetchOne(try db.cachedStatement(sql: StoreSQL.grant.sqlite), arguments: [digest]) {
                return try TokenGrant(row: row, retired: false)
            }
            return try Row.fetchOne(try db.cachedStatement(sql: StoreSQL.retiredGrant.sqlite), arguments: [digest])
                .map { try TokenGrant(row: $0, retired: true) }
        }
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
