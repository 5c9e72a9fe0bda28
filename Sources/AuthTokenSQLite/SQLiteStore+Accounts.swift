import AuthTokenStore
import Foundation
import GRDB

extension SQLiteStore {
    static let accountColumns =
        "id, email, display_name, password_hash, confirmed, active, created_at, admin"

    public func createAccount(_ new: NewAccount) throws -> Account {
        do {
            return try writeImmediately { db in
                try db.execute(
                    sql: """
                        INSERT INTO account
                            (email, email_key, display_name, password_hash, confirmed, active, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        new.email, Account.key(forEmail: new.email), new.displayName,
                        new.passwordHash, new.confirmed, new.active,
                        Int64(new.createdAt.timeIntervalSince1970),
                    ])
                return Account(
                    id: db.lastInsertedRowID, email: new.email, displayName: new.displayName,
                    passwordHash: new.passwordHash, confirmed: new.confirmed, active: new.active,
                    createdAt: Date(timeIntervalSince1970: Double(Int64(new.createdAt.timeIntervalSince1970))))
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError.duplicateEmail
        }
    }

    public func account(email: String) throws -> Account? {
        try pool.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(Self.accountColumns) FROM account WHERE email_key = ?"),
                arguments: [Account.key(forEmail: email)]
            ).map(Self.account(from:))
        }
    }

    public func account(id: Int64) throws -> Account? {
        try pool.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(Self.accountColumns) FROM account WHERE id = ?"),
                arguments: [id]
            ).map(Self.account(from:))
        }
    }

    public func accounts() throws -> [Account] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.accountColumns) FROM account ORDER BY id")
                .map(Self.account(from:))
        }
    }

    public func setConfirmed(accountID: Int64, _ confirmed: Bool) throws -> Bool {
        try changesRow("UPDATE account SET confirmed = ? WHERE id = ?", [confirmed, accountID])
    }

    public func setActive(accountID: Int64, _ active: Bool) throws -> Bool {
        try changesRow("UPDATE account SET active = ? WHERE id = ?", [active, accountID])
    }

    public func setAdmin(accountID: Int64, _ admin: Bool) throws -> Bool {
        try changesRow("UPDATE account SET admin = ? WHERE id = ?", [admin, accountID])
    }

    public func setEmail(accountID: Int64, _ email: String) throws -> Bool {
        do {
            return try changesRow("UPDATE account SET email = ?, email_key = ? WHERE id = ?",
                                  [email, Account.key(forEmail: email), accountID])
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError.duplicateEmail
        }
    }

    public func deleteUnconfirmedAccounts(createdBefore: Date) throws -> Int {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM account WHERE confirmed = 0 AND created_at < ?",
                           arguments: [Self.seconds(createdBefore)])
            return db.changesCount
        }
    }

    public func setPasswordHash(accountID: Int64, _ hash: String) throws -> Bool {
        try changesRow("UPDATE account SET password_hash = ? WHERE id = ?", [hash, accountID])
    }

    static func account(from row: Row) -> Account {
        Account(
            id: row["id"], email: row["email"], displayName: row["display_name"],
            passwordHash: row["password_hash"], confirmed: row["confirmed"], active: row["active"],
            createdAt: Date(timeIntervalSince1970: Double(row["created_at"] as Int64)), admin: row["admin"])
    }
}
