import AuthTokenStore

extension PostgresStore {
    static let grantSQL = """
        SELECT token.id, token.account_id, account.email, account.active, token.scopes, token.expires_at
        FROM token JOIN account ON account.id = token.account_id
        WHERE token.digest = $1
        """
    static let retiredGrantSQL = """
        SELECT token.id, token.account_id, account.email, account.active, token.scopes, token.expires_at,
               retired_token.works_until
        FROM retired_token JOIN token ON token.id = retired_token.token_id JOIN account ON account.id = token.account_id
        WHERE retired_token.digest = $1
        """

    /// One prepared statement on the calling thread's own connection, outside any
    /// transaction (a single SELECT is consistent on its own): one round trip, no write.
    public func grant(digest: String) throws -> TokenGrant? {
        if let row = try run(Self.grantSQL, [digest]).first { return try Self.grant(from: row, retired: false) }
        return try run(Self.retiredGrantSQL, [digest]).first.map { try Self.grant(from: $0, retired: true) }
    }

    static func grant(from row: PostgresRow, retired: Bool) throws -> TokenGrant {
        TokenGrant(
            tokenID: try row.int64(0), accountID: try row.int64(1), email: try row.string(2),
            accountActive: try row.bool(3), scopes: try row.string(4).split(separator: ",").map(String.init),
            expiresAt: try row.optionalInt64(5), retiredUntil: retired ? try row.int64(6) : nil)
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
