import AuthTokenStore
import Foundation

/// The administrators' lists; their SQL is `AdminSQL`'s, shared with SQLite.
extension PostgresStore {
    public func accountList(_ filter: AccountFilter, limit: Int, offset: Int) throws -> [AccountListing] {
        let (sql, values) = AdminSQL.accountList(filter, limit: limit, offset: offset)
        return try run(Self.numbered(sql), Self.parameters(values)).map { row in
            AccountListing(
                account: try Self.account(from: row), twoFactor: try row.bool(8),
                blockedUntil: Self.optionalDate(try row.optionalInt64(9)), tokenCount: Int(try row.int64(10)))
        }
    }

    public func accountCount(_ filter: AccountFilter) throws -> Int {
        try count(AdminSQL.accountCount(filter))
    }

    public func tokenInventory(_ filter: TokenFilter, sort: TokenSort, limit: Int, offset: Int) throws -> [InventoryToken] {
        // PostgreSQL sorts NULL highest: never used must be put last descending, first ascending.
        let (sql, values) = AdminSQL.inventory(
            filter, sort: sort, limit: limit, offset: offset, nullsLast: " NULLS LAST", nullsFirst: " NULLS FIRST")
        return try run(Self.numbered(sql), Self.parameters(values)).map { row in
            InventoryToken(token: try Self.token(from: row), ownerEmail: try row.string(AdminSQL.inventoryEmailColumn),
                           appPasswordName: try row.optionalString(AdminSQL.inventoryAppPasswordColumn))
        }
    }

    public func tokenCount(_ filter: TokenFilter, atMost: Int?) throws -> Int {
        try count(AdminSQL.tokenCount(filter, atMost: atMost))
    }

    /// DELETE … RETURNING in one transaction, rolled back when the count is not `expected`.
    public func deleteTokens(_ filter: TokenFilter, expected: Int) throws -> [TokenRecord]? {
        let sql = AdminSQL.tokens(filter)
        struct CountChanged: Error {}
        do {
            return try transaction { connection in
                let tokens = try connection.execute(
                    Self.numbered("DELETE FROM token t\(sql.whereClause) RETURNING \(Self.tokenColumns)"),
                    Self.parameters(sql.values)
                ).map { try Self.token(from: $0) }
                guard tokens.count == expected else { throw CountChanged() }
                return tokens.sorted { $0.id < $1.id }
            }
        } catch is CountChanged {
            return nil
        }
    }

    public func token(id: Int64) throws -> TokenRecord? {
        try run("SELECT \(Self.tokenColumns) FROM token WHERE id = $1", [id]).first.map { try Self.token(from: $0) }
    }

    public func appPasswordInventory(ownerID: Int64?, unusedSince: Date?, limit: Int, offset: Int) throws
        -> [InventoryAppPassword]
    {
        let (sql, values) = AdminSQL.appPasswords(ownerID: ownerID, unusedSince: unusedSince, limit: limit, offset: offset)
        return try run(Self.numbered(sql), Self.parameters(values)).map { row in
            InventoryAppPassword(appPassword: try Self.appPassword(from: row), ownerEmail: try row.string(6),
                                 tokenCount: Int(try row.int64(7)))
        }
    }

    public func appPasswordCount(ownerID: Int64?, unusedSince: Date?) throws -> Int {
        try count(AdminSQL.appPasswordCount(ownerID: ownerID, unusedSince: unusedSince))
    }

    /// DELETE … RETURNING in one transaction, rolled back when the count is not `expected`;
    /// the tokens they got stay (`token.app_password_id` has no foreign key).
    public func deleteAppPasswords(ownerID: Int64?, unusedSince: Date?, expected: Int) throws -> [AppPasswordRecord]? {
        let sql = AdminSQL.appPasswordFilter(ownerID: ownerID, unusedSince: unusedSince)
        struct CountChanged: Error {}
        do {
            return try transaction { connection in
                let passwords = try connection.execute(
                    Self.numbered("DELETE FROM app_password p\(sql.whereClause) RETURNING \(Self.appPasswordColumns)"),
                    Self.parameters(sql.values)
                ).map { try Self.appPassword(from: $0) }
                guard passwords.count == expected else { throw CountChanged() }
                return passwords.sorted { $0.id < $1.id }
            }
        } catch is CountChanged {
            return nil
        }
    }

    public func activity(_ filter: ActivityFilter, limit: Int, offset: Int) throws -> [ActivityRecord] {
        let (sql, values) = AdminSQL.activity(filter, limit: limit, offset: offset)
        return try run(Self.numbered(sql), Self.parameters(values)).compactMap { try Self.activity(from: $0) }
    }

    private func count(_ query: (String, [AdminSQL.Value])) throws -> Int {
        Int(try run(Self.numbered(query.0), Self.parameters(query.1))[0].int64(0))
    }

    /// `?` placeholders as `$1`, `$2` … (`AdminSQL` writes no `?` but placeholders).
    static func numbered(_ sql: String) -> String {
        var result = ""
        var number = 0
        for character in sql {
            if character == "?" {
                number += 1
                result += "$\(number)"
            } else {
                result.append(character)
            }
        }
        return result
    }

    static func parameters(_ values: [AdminSQL.Value]) -> [(any PostgresParameter)?] {
        values.map { value -> (any PostgresParameter)? in
            switch value {
            case .integer(let number): number
            case .text(let text): text
            }
        }
    }
}
