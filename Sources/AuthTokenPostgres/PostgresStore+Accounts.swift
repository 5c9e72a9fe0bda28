import AuthTokenStore
import Foundation

extension PostgresStore {
    static let accountColumns = "id, email, display_name, password_hash, confirmed, active, created_at, admin"

    /// A unique violation on the e-mail key becomes `StoreError.duplicateEmail`.
    public func createAccount(_ new: NewAccount) throws -> Account {
        let created = Self.seconds(new.createdAt)
        let result = try run(
            """
            INSERT INTO account (email, email_key, display_name, password_hash, confirmed, active, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
            """,
            [new.email, Account.key(forEmail: new.email), new.displayName, new.passwordHash,
             new.confirmed, new.active, created])
        return Account(
            id: try result[0].int64(0), email: new.email, displayName: new.displayName,
            passwordHash: new.passwordHash, confirmed: new.confirmed, active: new.active,
            createdAt: Self.date(created))
    }

    public func account(email: String) throws -> Account? {
        try run("SELECT \(Self.accountColumns) FROM account WHERE email_key = $1", [Account.key(forEmail: email)])
            .first.map { try Self.account(from: $0) }
    }

    public func account(id: Int64) throws -> Account? {
        try run("SELECT \(Self.accountColumns) FROM account WHERE id = $1", [id])
            .first.map { try Self.account(from: $0) }
    }

    public func accounts() throws -> [Account] {
        try run("SELECT \(Self.accountColumns) FROM account ORDER BY id").map { try Self.account(from: $0) }
    }

    public func setConfirmed(accountID: Int64, _ confirmed: Bool) throws -> Bool {
        try changesRow("UPDATE account SET confirmed = $2 WHERE id = $1", [accountID, confirmed])
    }

    public func setActive(accountID: Int64, _ active: Bool) throws -> Bool {
        try changesRow("UPDATE account SET active = $2 WHERE id = $1", [accountID, active])
    }

    public func setAdmin(accountID: Int64, _ admin: Bool) throws -> Bool {
        try changesRow("UPDATE account SET admin = $2 WHERE id = $1", [accountID, admin])
    }

    public func setEmail(accountID: Int64, _ email: String) throws -> Bool {
        try changesRow("UPDATE account SET email = $2, email_key = $3 WHERE id = $1",
                       [accountID, email, Account.key(forEmail: email)])
    }

    public func deleteUnconfirmedAccounts(createdBefore: Date) throws -> Int {
        try run("DELETE FROM account WHERE NOT confirmed AND created_at < $1", [Self.seconds(createdBefore)])
            .affectedRows ?? 0
    }

    public func setPasswordHash(accountID: Int64, _ hash: String) throws -> Bool {
        try changesRow("UPDATE account SET password_hash = $2 WHERE id = $1", [accountID, hash])
    }

    /// Reads `accountColumns`, starting at column `offset`.
    static func account(from row: PostgresRow, offset: Int = 0) throws -> Account {
        Account(
            id: try row.int64(offset), email: try row.string(offset + 1), displayName: try row.string(offset + 2),
            passwordHash: try row.string(offset + 3), confirmed: try row.bool(offset + 4),
            active: try row.bool(offset + 5), createdAt: date(try row.int64(offset + 6)),
            admin: try row.bool(offset + 7))
    }
}
