import AuthTokenStore
import Foundation

extension StoreSQL {
    /// Adds to a token's day; nothing for a token deleted meanwhile (the join finds no row).
    static let addTokenDay = SQLStatement("""
        INSERT INTO token_daily_use (token_id, day, uses) SELECT id, ?, ? FROM token WHERE id = ?
        ON CONFLICT (token_id, day) DO UPDATE SET uses = token_daily_use.uses + excluded.uses
        """)
    static let addCheckDay = SQLStatement("""
        INSERT INTO check_daily (day, outcome, checks) VALUES (?, ?, ?)
        ON CONFLICT (day, outcome) DO UPDATE SET checks = check_daily.checks + excluded.checks
        """)
    static let tokenDaysOfAccount = SQLStatement("""
        SELECT u.token_id, u.day, u.uses FROM token_daily_use u JOIN token t ON t.id = u.token_id
        WHERE t.account_id = ? AND u.day >= ? ORDER BY u.token_id, u.day
        """)
    static let daysOfToken = SQLStatement("""
        SELECT u.token_id, u.day, u.uses FROM token_daily_use u JOIN token t ON t.id = u.token_id
        WHERE t.account_id = ? AND t.id = ? AND u.day >= ? ORDER BY u.day
        """)
    static let checkDays = SQLStatement(
        "SELECT day, outcome, checks FROM check_daily WHERE day >= ? ORDER BY day, outcome")
    static let busiestTokens = SQLStatement("""
        SELECT \(AdminSQL.inventoryColumns), busy.uses
        FROM (SELECT token_id, CAST(sum(uses) AS BIGINT) AS uses FROM token_daily_use WHERE day >= ? GROUP BY token_id
              ORDER BY sum(uses) DESC, token_id LIMIT ?) AS busy
        JOIN token t ON t.id = busy.token_id JOIN account a ON a.id = t.account_id
        LEFT JOIN app_password p ON p.id = t.app_password_id
        ORDER BY busy.uses DESC, t.id
        """)
    static let neverUsedTokens = SQLStatement("SELECT count(*) FROM token WHERE last_used_at IS NULL")
    static let deleteOldTokenDays = SQLStatement("DELETE FROM token_daily_use WHERE day < ?")
    static let deleteOldCheckDays = SQLStatement("DELETE FROM check_daily WHERE day < ?")

    /// Activity entries of `kinds` per day; the kinds are bound, one placeholder each.
    static func activityDays(kinds: Int) -> SQLStatement {
        let marks = Array(repeating: "?", count: max(1, kinds)).joined(separator: ", ")
        return SQLStatement("""
            SELECT at / 86400 AS day, kind, count(*) FROM activity WHERE at >= ? AND kind IN (\(marks))
            GROUP BY at / 86400, kind ORDER BY day, kind
            """)
    }
}

/// Daily use (docs/usage.md): written in batches by the usage flusher, read by the token
/// pages and the administrators' overview.
extension SQLStore {
    /// One transaction, rows in key order (two instances adding the same rows take their
    /// locks in the same order, so they wait for each other rather than deadlock). A COMMIT
    /// cut off by a failover is not looked for: the batch is added again by the next flush,
    /// and a day may then count it twice (docs/ha.md).
    public func addUsage(_ counts: UsageCounts) throws {
        guard !counts.isEmpty else { return }
        let tokens = counts.tokens.sorted { ($0.tokenID, $0.day) < ($1.tokenID, $1.day) }
        let checks = counts.checks.sorted { ($0.day, $0.outcome.rawValue) < ($1.day, $1.outcome.rawValue) }
        try transaction { db in
            for use in tokens {
                try db.run(StoreSQL.addTokenDay, [.integer(use.day), .int(use.count), .integer(use.tokenID)])
            }
            for check in checks {
                try db.run(StoreSQL.addCheckDay, [.integer(check.day), .text(check.outcome.rawValue), .int(check.count)])
            }
        }
    }

    public func tokenDays(accountID: Int64, tokenID: Int64?, since firstDay: Int64) throws -> [TokenDayCount] {
        try read { db in
            let rows = if let tokenID {
                try db.rows(StoreSQL.daysOfToken, [.integer(accountID), .integer(tokenID), .integer(firstDay)])
            } else {
                try db.rows(StoreSQL.tokenDaysOfAccount, [.integer(accountID), .integer(firstDay)])
            }
            return try rows.map { TokenDayCount(tokenID: try $0.int64(0), day: try $0.int64(1), count: try $0.int(2)) }
        }
    }

    /// Outcomes written by a newer version are left out rather than mislabelled.
    public func checkDays(since firstDay: Int64) throws -> [CheckDayCount] {
        try read { db in
            try db.rows(StoreSQL.checkDays, [.integer(firstDay)]).compactMap { row in
                guard let outcome = CheckOutcome(rawValue: try row.string(1)) else { return nil }
                return CheckDayCount(day: try row.int64(0), outcome: outcome, count: try row.int(2))
            }
        }
    }

    public func activityDays(_ kinds: [ActivityKind], since firstDay: Int64) throws -> [ActivityDayCount] {
        guard !kinds.isEmpty else { return [] }
        return try read { db in
            let values = [.integer(firstDay * UsageDay.seconds)] + kinds.map { SQLValue.text($0.rawValue) }
            return try db.rows(StoreSQL.activityDays(kinds: kinds.count), values).compactMap { row in
                guard let kind = ActivityKind(rawValue: try row.string(1)) else { return nil }
                return ActivityDayCount(day: try row.int64(0), kind: kind, count: try row.int(2))
            }
        }
    }

    public func busiestTokens(since firstDay: Int64, limit: Int) throws -> [BusyToken] {
        try read { db in
            try db.rows(StoreSQL.busiestTokens, [.integer(firstDay), .int(max(0, limit))]).map { row in
                BusyToken(token: try InventoryToken(row: row), uses: try row.int(AdminSQL.inventoryAppPasswordColumn + 1))
            }
        }
    }

    public func neverUsedTokenCount() throws -> Int {
        try read { db in Int(try db.integer(StoreSQL.neverUsedTokens, [])) }
    }
}
