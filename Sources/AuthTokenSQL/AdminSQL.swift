import AuthTokenStore
import Foundation

/// The SQL of the administrators' lists, written once for both backends: the filters and
/// orders are plain SQL both dialects read alike (`?` placeholders; PostgreSQL's backend
/// numbers them), with the two differences passed in (how NULLs sort).
public struct AdminSQL: Sendable, Equatable {
    public typealias Value = SQLValue

    public var conditions: [String] = []
    public var values: [Value] = []

    public init() {}

    /// `WHERE a AND b …`, or nothing.
    public var whereClause: String { conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ") }

    mutating func add(_ condition: String, _ values: Value...) {
        conditions.append(condition)
        self.values += values
    }

    /// A `LIKE` pattern matching `text` anywhere, with `%`, `_` and `\` taken literally
    /// (use with `ESCAPE '\'`).
    public static func contains(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%" + escaped + "%"
    }

    static func seconds(_ date: Date) -> Int64 { SQLValue.seconds(date) }

    /// Columns of `account a` in `accountColumns` order, then two-factor, block end, token count.
    public static let accountListColumns = """
        a.id, a.email, a.display_name, a.password_hash, a.confirmed, a.active, a.created_at, a.admin, a.origin,
        EXISTS (SELECT 1 FROM two_factor f WHERE f.account_id = a.id AND f.enabled) AS two_factor,
        (SELECT b.blocked_until FROM throttle b WHERE b.key = 'account:' || a.id AND b.blocked_until > ?) AS blocked_until,
        (SELECT count(*) FROM token k WHERE k.account_id = a.id) AS token_count
        """

    /// The account list's query: the block end's `now` first, then the filter's values,
    /// then limit and offset.
    public static func accountList(_ filter: AccountFilter, limit: Int, offset: Int) -> (String, [Value]) {
        let sql = accounts(filter)
        // The page's ids first: the per-row subqueries then run for this page's rows only,
        // not for every row the offset skips (PostgreSQL computes skipped rows' columns).
        return ("""
            SELECT \(accountListColumns) FROM account a
            WHERE a.id IN (SELECT a.id FROM account a\(sql.whereClause) ORDER BY a.id LIMIT ? OFFSET ?) ORDER BY a.id
            """, [.integer(seconds(filter.now))] + sql.values + [.integer(Int64(limit)), .integer(Int64(offset))])
    }

    public static func accountCount(_ filter: AccountFilter) -> (String, [Value]) {
        let sql = accounts(filter)
        return ("SELECT count(*) FROM account a\(sql.whereClause)", sql.values)
    }

    static func accounts(_ filter: AccountFilter) -> AdminSQL {
        var sql = AdminSQL()
        let search = filter.search.trimmingCharacters(in: .whitespaces)
        if !search.isEmpty {
            let pattern = contains(search.lowercased())
            sql.add(#"(a.email_key LIKE ? ESCAPE '\' OR lower(a.display_name) LIKE ? ESCAPE '\')"#,
                    .text(pattern), .text(pattern))
        }
        if filter.unconfirmedOnly { sql.add("NOT a.confirmed") }
        if filter.deactivatedOnly { sql.add("NOT a.active") }
        if filter.twoFactorOnly { sql.add("a.id IN (SELECT f.account_id FROM two_factor f WHERE f.enabled)") }
        if filter.blockedOnly {
            sql.add("""
                a.id IN (SELECT CAST(substr(b.key, 9) AS BIGINT) FROM throttle b
                         WHERE b.key LIKE 'account:%' AND b.blocked_until > ?)
                """, .integer(seconds(filter.now)))
        }
        return sql
    }

    /// Columns of `token t` in `tokenColumns` order, then the owner's e-mail and the
    /// application password's name.
    public static let inventoryColumns = """
        t.id, t.account_id, t.digest, t.hint, t.scopes, t.display_name, t.created_at, t.last_used_at,
        t.last_used_from, t.app_password_id, t.expires_at, t.lifetime, t.rotated_at, t.rotated_from,
        a.email, p.name
        """
    /// Where the owner's address and the app password's name are in a row of `inventoryColumns`.
    public static let inventoryEmailColumn = 14, inventoryAppPasswordColumn = 15

    /// `nullsLast`/`nullsFirst`: how the backend writes "never used last" and "first" for
    /// a descending and an ascending `last_used_at` (empty where that is its default).
    public static func inventory(
        _ filter: TokenFilter, sort: TokenSort, limit: Int, offset: Int, nullsLast: String, nullsFirst: String
    ) -> (String, [Value]) {
        let sql = tokens(filter)
        let order = switch sort {
        case .newest: "t.created_at DESC, t.id DESC"
        case .oldest: "t.created_at, t.id"
        case .recentlyUsed: "t.last_used_at DESC\(nullsLast), t.created_at DESC, t.id DESC"
        case .longestUnused: "t.last_used_at\(nullsFirst), t.created_at, t.id"
        case .owner: "a.email_key, t.id"
        }
        let joins = "JOIN account a ON a.id = t.account_id LEFT JOIN app_password p ON p.id = t.app_password_id"
        // The page's ids first, from the token table and its indexes alone (the offset skips
        // index entries, not joined rows), then the joins for those few.
        let page = sort == .owner
            ? "SELECT t.id FROM token t JOIN account a ON a.id = t.account_id\(sql.whereClause) ORDER BY \(order) LIMIT ? OFFSET ?"
            : "SELECT t.id FROM token t\(sql.whereClause) ORDER BY \(order) LIMIT ? OFFSET ?"
        return ("""
            SELECT \(inventoryColumns) FROM token t \(joins)
            WHERE t.id IN (\(page)) ORDER BY \(order)
            """, sql.values + [.integer(Int64(limit)), .integer(Int64(offset))])
    }

    /// The filter on `token t` alone (no join), for counting and deleting too.
    public static func tokens(_ filter: TokenFilter) -> AdminSQL {
        var sql = AdminSQL()
        if let scope = filter.scope {
            // Scopes are stored comma-joined: the only one, the first, the last, or between.
            let literal = String(contains(scope).dropFirst().dropLast())
            sql.add(#"(t.scopes = ? OR t.scopes LIKE ? ESCAPE '\' OR t.scopes LIKE ? ESCAPE '\' OR t.scopes LIKE ? ESCAPE '\')"#,
                    .text(scope), .text(literal + ",%"), .text("%," + literal), .text("%," + literal + ",%"))
        }
        if let owner = filter.ownerID { sql.add("t.account_id = ?", .integer(owner)) }
        if let since = filter.unusedSince {
            let time = seconds(since)
            sql.add("(t.last_used_at < ? OR (t.last_used_at IS NULL AND t.created_at < ?))", .integer(time), .integer(time))
        }
        // No index: like the scope filter, it reads rows (tokens with an expiry are few).
        if let by = filter.expiringBy { sql.add("t.expires_at <= ?", .integer(seconds(by))) }
        return sql
    }

    /// Counts the filter's tokens, no further than `atMost`: a capped count stops reading
    /// once it has that many, which bounds a list page's cost whatever the table holds.
    public static func tokenCount(_ filter: TokenFilter, atMost: Int?) -> (String, [Value]) {
        let sql = tokens(filter)
        guard let atMost else { return ("SELECT count(*) FROM token t\(sql.whereClause)", sql.values) }
        return ("SELECT count(*) FROM (SELECT 1 FROM token t\(sql.whereClause) LIMIT ?) AS matched",
                sql.values + [.integer(Int64(max(0, atMost)))])
    }

    public static let appPasswordColumns = """
        p.id, p.account_id, p.name, p.password_hash, p.created_at, p.last_used_at, a.email,
        (SELECT count(*) FROM token t WHERE t.app_password_id = p.id) AS token_count
        """

    /// The filter on `app_password p` alone (no join), for counting and deleting too.
    public static func appPasswordFilter(ownerID: Int64?, unusedSince: Date?) -> AdminSQL {
        var sql = AdminSQL()
        if let ownerID { sql.add("p.account_id = ?", .integer(ownerID)) }
        if let since = unusedSince {
            let time = seconds(since)
            sql.add("(p.last_used_at < ? OR (p.last_used_at IS NULL AND p.created_at < ?))", .integer(time), .integer(time))
        }
        return sql
    }

    public static func appPasswords(ownerID: Int64?, unusedSince: Date?, limit: Int, offset: Int) -> (String, [Value]) {
        let sql = appPasswordFilter(ownerID: ownerID, unusedSince: unusedSince)
        return ("""
            SELECT \(appPasswordColumns) FROM app_password p JOIN account a ON a.id = p.account_id\(sql.whereClause)
            ORDER BY p.id DESC LIMIT ? OFFSET ?
            """, sql.values + [.integer(Int64(limit)), .integer(Int64(offset))])
    }

    public static func appPasswordCount(ownerID: Int64?, unusedSince: Date?) -> (String, [Value]) {
        let sql = appPasswordFilter(ownerID: ownerID, unusedSince: unusedSince)
        return ("SELECT count(*) FROM app_password p\(sql.whereClause)", sql.values)
    }

    public static func activity(_ filter: ActivityFilter, limit: Int, offset: Int) -> (String, [Value]) {
        var sql = AdminSQL()
        if let account = filter.accountID { sql.add("account_id = ?", .integer(account)) }
        if let kind = filter.kind { sql.add("kind = ?", .text(kind.rawValue)) }
        if let from = filter.from { sql.add("at >= ?", .integer(seconds(from))) }
        if let until = filter.until { sql.add("at < ?", .integer(seconds(until))) }
        return ("""
            SELECT id, at, account_id, kind, address, user_agent, detail FROM activity\(sql.whereClause)
            ORDER BY id DESC LIMIT ? OFFSET ?
            """, sql.values + [.integer(Int64(limit)), .integer(Int64(offset))])
    }
}
