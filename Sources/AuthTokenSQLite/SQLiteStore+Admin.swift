import AuthTokenStore
import Foundation
import GRDB

/// The administrators' lists; their SQL is `AdminSQL`'s, shared with PostgreSQL.
extension SQLiteStore {
    public func accountList(_ filter: AccountFilter, limit: Int, offset: Int) throws -> [AccountListing] {
        let (sql, values) = AdminSQL.accountList(filter, limit: limit, offset: offset)
        return try pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: Self.arguments(values)).map { row in
                AccountListing(
                    account: Self.account(from: row), twoFactor: row["two_factor"],
                    blockedUntil: (row["blocked_until"] as Int64?).map { Date(timeIntervalSince1970: Double($0)) },
                    tokenCount: row["token_count"])
            }
        }
    }

    public func accountCount(_ filter: AccountFilter) throws -> Int {
        try count(AdminSQL.accountCount(filter))
    }

    public func tokenInventory(_ filter: TokenFilter, sort: TokenSort, limit: Int, offset: Int) throws -> [InventoryToken] {
        // SQLite sorts NULL lowest: never used comes last descending and first ascending.
        let (sql, values) = AdminSQL.inventory(filter, sort: sort, limit: limit, offset: offset, nullsLast: "", nullsFirst: "")
        return try pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: Self.arguments(values)).map { row in
                InventoryToken(token: Self.token(from: row), ownerEmail: row["email"], appPasswordName: row["name"])
            }
        }
    }

    public func tokenCount(_ filter: TokenFilter, atMost: Int?) throws -> Int {
        try count(AdminSQL.tokenCount(filter, atMost: atMost))
    }

    /// One IMMEDIATE transaction: no other writer between the count and the delete.
    public func deleteTokens(_ filter: TokenFilter, expected: Int) throws -> [TokenRecord]? {
        let sql = AdminSQL.tokens(filter)
        return try writeImmediately { db in
            let tokens = try Row.fetchAll(
                db, sql: "SELECT \(Self.tokenColumns) FROM token t\(sql.whereClause) ORDER BY t.id",
                arguments: Self.arguments(sql.values)
            ).map(Self.token(from:))
            guard tokens.count == expected else { return nil }
            try db.execute(sql: "DELETE FROM token WHERE id IN (SELECT t.id FROM token t\(sql.whereClause))",
                           arguments: Self.arguments(sql.values))
            return tokens
        }
    }

    public func token(id: Int64) throws -> TokenRecord? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.tokenColumns) FROM token WHERE id = ?", arguments: [id])
                .map(Self.token(from:))
        }
    }

    public func appPasswordInventory(ownerID: Int64?, unusedSince: Date?, limit: Int, offset: Int) throws
        -> [InventoryAppPassword]
    {
        let (sql, values) = AdminSQL.appPasswords(ownerID: ownerID, unusedSince: unusedSince, limit: limit, offset: offset)
        return try pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: Self.arguments(values)).map { row in
                InventoryAppPassword(
                    appPassword: Self.appPassword(from: row), ownerEmail: row["email"], tokenCount: row["token_count"])
            }
        }
    }

    public func appPasswordCount(ownerID: Int64?, unusedSince: Date?) throws -> Int {
        try count(AdminSQL.appPasswordCount(ownerID: ownerID, unusedSince: unusedSince))
    }

    /// One IMMEDIATE transaction, as `deleteTokens`; the tokens they got stay.
    public func deleteAppPasswords(ownerID: Int64?, unusedSince: Date?, expected: Int) throws -> [AppPasswordRecord]? {
        let sql = AdminSQL.appPasswordFilter(ownerID: ownerID, unusedSince: unusedSince)
        return try writeImmediately { db in
            let passwords = try Row.fetchAll(
                db, sql: "SELECT \(Self.appPasswordColumns) FROM app_password p\(sql.whereClause) ORDER BY p.id",
                arguments: Self.arguments(sql.values)
            ).map(Self.appPassword(from:))
            guard passwords.count == expected else { return nil }
            try db.execute(sql: "DELETE FROM app_password WHERE id IN (SELECT p.id FROM app_password p\(sql.whereClause))",
                           arguments: Self.arguments(sql.values))
            return passwords
        }
    }

    public func activity(_ filter: ActivityFilter, limit: Int, offset: Int) throws -> [ActivityRecord] {
        let (sql, values) = AdminSQL.activity(filter, limit: limit, offset: offset)
        return try pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: Self.arguments(values)).compactMap(Self.activity(from:))
        }
    }

    private func count(_ query: (String, [AdminSQL.Value])) throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: query.0, arguments: Self.arguments(query.1)) ?? 0 }
    }

    static func arguments(_ values: [AdminSQL.Value]) -> StatementArguments {
        StatementArguments(values.map { value -> DatabaseValueConvertible in
            switch value {
            case .integer(let number): number
            case .text(let text): text
            }
        })
    }
}
