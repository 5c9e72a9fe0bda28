import AuthTokenStore
import Foundation

extension StoreSQL {
    public static let accountColumns = "id, email, display_name, password_hash, confirmed, active, created_at, admin, origin"

    static let insertAccount = SQLStatement("""
        INSERT INTO account (email, email_key, display_name, password_hash, confirmed, active, created_at, origin)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
        """)
    static let accountByEmail = SQLStatement("SELECT \(accountColumns) FROM account WHERE email_key = ?")
    static let accountByID = SQLStatement("SELECT \(accountColumns) FROM account WHERE id = ?")
    static let allAccounts = SQLStatement("SELECT \(accountColumns) FROM account ORDER BY id")
    static let setConfirmed = SQLStatement("UPDATE account SET confirmed = ? WHERE id = ?")
    static let setActive = SQLStatement("UPDATE account SET active = ? WHERE id = ?")
    static let setAdmin = SQLStatement("UPDATE account SET admin = ? WHERE id = ?")
    static let setPasswordHash = SQLStatement("UPDATE account SET password_hash = ? WHERE id = ?")
    static let setOrigin = SQLStatement("UPDATE account SET origin = ? WHERE id = ?")
    static let setEmail = SQLStatement("UPDATE account SET email = ?, email_key = ? WHERE id = ?")
    static let deleteUnconfirmedAccounts = SQLStatement("DELETE FROM account WHERE NOT confirmed AND created_at < ?")
}

extension SQLStore {
    public func createAccount(_ new: NewAccount) throws -> Account {
        let id = try write { db in
            try db.integer(StoreSQL.insertAccount, [
                .text(new.email), .text(Account.key(forEmail: new.email)), .text(new.displayName),
                .text(new.passwordHash), .bool(new.confirmed), .bool(new.active), .date(new.createdAt),
                .text(new.origin.rawValue),
            ])
        }
        return Account(
            id: id, email: new.email, displayName: new.displayName, passwordHash: new.passwordHash,
            confirmed: new.confirmed, active: new.active,
            createdAt: Date(timeIntervalSince1970: Double(SQLValue.seconds(new.createdAt))), origin: new.origin)
    }

    public func account(email: String) throws -> Account? {
        try read { db in
            try db.row(StoreSQL.accountByEmail, [.text(Account.key(forEmail: email))]).map { try Account(row: $0) }
        }
    }

    public func account(id: Int64) throws -> Account? {
        try read { db in try db.row(StoreSQL.accountByID, [.integer(id)]).map { try Account(row: $0) } }
    }

    public func accounts() throws -> [Account] {
        try read { db in try db.rows(StoreSQL.allAccounts, []).map { try Account(row: $0) } }
    }

    @discardableResult
    public func setConfirmed(accountID: Int64, _ confirmed: Bool) throws -> Bool {
        try write { db in try db.changesRow(StoreSQL.setConfirmed, [.bool(confirmed), .integer(accountID)]) }
    }

    @discardableResult
    public func setOrigin(accountID: Int64, _ origin: AccountOrigin) throws -> Bool {
        try write { db in try db.changesRow(StoreSQL.setOrigin, [.text(origin.rawValue), .integer(accountID)]) }
    }

    @discardableResult
    public func setActive(accountID: Int64, _ active: Bool) throws -> Bool {
        try write { db in try db.changesRow(StoreSQL.setActive, [.bool(active), .integer(accountID)]) }
    }

    @discardableResult
    public func setAdmin(accountID: Int64, _ admin: Bool) throws -> Bool {
        try write { db in try db.changesRow(StoreSQL.setAdmin, [.bool(admin), .integer(accountID)]) }
    }

    @discardableResult
    public func setPasswordHash(accountID: Int64, _ hash: String) throws -> Bool {
        try write { db in try db.changesRow(StoreSQL.setPasswordHash, [.text(hash), .integer(accountID)]) }
    }

    @discardableResult
    public func setEmail(accountID: Int64, _ email: String) throws -> Bool {
        try write { db in
            try db.changesRow(StoreSQL.setEmail, [.text(email), .text(Account.key(forEmail: email)), .integer(accountID)])
        }
    }

    @discardableResult
    public func deleteUnconfirmedAccounts(createdBefore: Date) throws -> Int {
        try write { db in try db.run(StoreSQL.deleteUnconfirmedAccounts, [.date(createdBefore)]) }
    }
}
