import AuthTokenSQL
import AuthTokenStore

/// The token check and last-use writes: the hot path, on this backend's own connections.
extension PostgresStore {
    /// One prepared statement on the calling thread's own connection, outside any
    /// transaction (a single SELECT is consistent on its own): one round trip, no write.
    ///
    /// With a multi-host URL, a check whose connection was lost under it (the primary
    /// died or stepped down mid-statement) runs once more on a new connection, which waits
    /// for the new primary: a read, so running it twice is harmless, and it reads only
    /// the primary, which holds every acknowledged commit (docs/ha.md).
    public func grant(digest: String) throws -> TokenGrant? {
        var again = connections.url.followsPrimary
        while true {
            do {
                if let row = try run(StoreSQL.grant.postgres, [digest]).first { return try TokenGrant(row: row, retired: false) }
                return try run(StoreSQL.retiredGrant.postgres, [digest]).first.map { try TokenGrant(row: $0, retired: true) }
            } catch let error as PostgresError where error.isConnectionFailure && again {
                again = false
            }
        }
    }

    /// One UPDATE for the whole batch. A row changes only when the use is newer than the
    /// one stored, so when several instances write the same token, the newest time (and its
    /// address) stays whatever order the writes land in; deleted tokens match no row.
    /// Two batches that touch the same tokens in another order can deadlock; the loser
    /// runs again (the statement is idempotent).
    public func recordUses(_ uses: [TokenUse]) throws {
        // One use per token (the newest), in id order.
        var newest: [Int64: TokenUse] = [:]
        for use in uses where (newest[use.tokenID]?.at ?? .min) < use.at { newest[use.tokenID] = use }
        let sorted = newest.values.sorted { $0.tokenID < $1.tokenID }
        var start = 0
        while start < sorted.count {
            let batch = sorted[start..<min(start + 1000, sorted.count)]
            start += batch.count
            let parameters: [(any PostgresParameter)?] = [
                "{" + batch.map { String($0.tokenID) }.joined(separator: ",") + "}",
                "{" + batch.map { String($0.at) }.joined(separator: ",") + "}",
                Self.arrayLiteral(batch.map(\.from)),
            ]
            var attempt = 1
            while true {
                do {
                    try run(
                        """
                        UPDATE token SET last_used_at = use.at, last_used_from = use.address
                        FROM unnest($1::int8[], $2::int8[], $3::text[]) AS use(id, at, address)
                        WHERE token.id = use.id AND (token.last_used_at IS NULL OR token.last_used_at < use.at)
                        """, parameters)
                    break
                } catch let error as PostgresError where error.isDeadlock && attempt < 5 {
                    attempt += 1
                }
            }
        }
    }
}
