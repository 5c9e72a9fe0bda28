import AuthTokenStore
import Foundation

/// The administrators' lists; their SQL is `AdminSQL`'s.
extension SQLStore {
    public func accountList(_ filter: AccountFilter, limit: Int, offset: Int) throws -> [AccountListing] {
        let (sql, values) = AdminSQL.accountList(filter, limit: limit, offset: offset)
        return try read { db in
            try db.rows(SQLStatement(sql), values).map { row in
                AccountListing(
                    account: try Account(row: row), twoFactor: try row.bool(9), blockedUntil: try row.optionalDate(10),
                    tokenCount: try row.int(11))
            }
        }
    }

    public func accountCount(_ filter: AccountFilter) throws -> Int {
        try count(AdminSQL.accountCount(filter))
    }

    public func tokenInventory(_ filter: TokenFilter, sort: TokenSort, limit: Int, offset: Int) throws -> [InventoryToken] {
        let (sql, values) = AdminSQL.inventory(
            filter, sort: sort, limit: limit, offset: offset, nullsLast: Self.nullsLast, nullsFirst: Self.nullsFirst)
        return try read { db in
            try db.rows(SQLStatement(sql), values).map { try InventoryToken(row: $0) }
        }
    }

    public func tokenCount(_ filter: TokenFilter, atMost: Int?) throws -> Int {
        try count(AdminSQL.tokenCount(filter, atMost: atMost))
    }

    /// DELETE … RETURNING in one transaction, rolled back when the count is not `expected`.
    public func deleteTokens(_ filter: TokenFilter, expected: Int) throws -> [TokenRecord]? {
        let sql = AdminSQL.tokens(filter)
        let delete = SQLStatement("DELETE FROM token AS t\(sql.whereClause) RETURNING \(StoreSQL.tokenColumns)")
        return try deleteExactly(expected) { db in
            try db.rows(delete, sql.values).map { try TokenRecord(row: $0) }.sorted { $0.id < $1.id }
        }
    }

    public func token(id: Int64) throws -> TokenRecord? {
        try read { db in try db.row(StoreSQL.tokenByID, [.integer(id)]).map { try TokenRecord(row: $0) } }
    }

    public func appPasswordInventory(ownerID: Int64?, unusedSince: Date?, limit: Int, offset: Int) throws
        -> [InventoryAppPassword]
    {
        let (sql, values) = AdminSQL.appPasswords(ownerID: ownerID, unusedSince: unusedSince, limit: limit, offset: offset)
        return try read { db in
            try db.rows(SQLStatement(sql), values).map { row in
                InventoryAppPassword(
                    appPassword: try AppPasswordRecord(row: row), ownerEmail: try row.string(6), tokenCount: try row.int(7))
            }
        }
    }

    public func appPasswordCount(ownerID: Int64?, unusedSince: Date?) throws -> Int {
        try count(AdminSQL.appPasswordCount(ownerID: ownerID, unusedSince: unusedSince))
    }

    /// As `deleteTokens`; the tokens they got stay (`token.app_password_id` has no foreign key).
    public func deleteAppPasswords(ownerID: Int64?, unusedSince: Date?, expected: Int) throws -> [AppPasswordRecord]? {
        let sql = AdminSQL.appPasswordFilter(ownerID: ownerID, unusedSince: unusedSince)
        let delete = SQLStatement(
            "DELETE FROM app_password AS p\(sql.whereClause) RETURNING \(StoreSQL.appPasswordColumns)")
        return try deleteExactly(expected) { db in
            try db.rows(delete, sql.values).map { try AppPasswordRecord(row: $0) }.sorted { $0.id < $1.id }
        }
    }

    public func activity(_ filter: ActivityFilter, limit: Int, offset: Int) throws -> [ActivityRecord] {
        let (sql, values) = AdminSQL.activity(filter, limit: limit, offset: offset)
        return try read { db in try db.rows(SQLStatement(sql), values).compactMap { try ActivityRecord(row: $0) } }
    }

    private func count(_ query: (String, [SQLValue])) throws -> Int {
        Int(try read { db in try db.integer(SQLStatement(query.0), query.1) })
    }

    /// Runs `delete` in a transaction and keeps what it deleted only when that is exactly
    /// `expected` rows (what the confirmation page said); otherwise rolls back and returns nil.
    private func deleteExactly<Record>(_ expected: Int, _ delete: (Executor) throws -> [Record]) throws -> [Record]? {
        do {
            return try transaction { db in
                let deleted = try delete(db)
                guard deleted.count == expected else { throw CountChanged() }
                return deleted
            }
        } catch is CountChanged {
            return nil
        }
    }
}

/// The count was not what the confirmation page said: roll back.
private struct CountChanged: Error {}
