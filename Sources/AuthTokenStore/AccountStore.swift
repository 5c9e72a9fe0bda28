import Foundation

/// Accounts: who can sign in, with what address and password hash, and what they may do.
public protocol AccountStore: Sendable {
    // MARK: Accounts
    func createAccount(_ account: NewAccount) throws -> Account
    func account(email: String) throws -> Account?
    func account(id: Int64) throws -> Account?
    func accounts() throws -> [Account]
    /// Returns false when no such account exists.
    @discardableResult
    func setConfirmed(accountID: Int64, _ confirmed: Bool) throws -> Bool
    @discardableResult
    func setActive(accountID: Int64, _ active: Bool) throws -> Bool
    /// Grants or takes back the administrators' pages; false when no such account exists.
    @discardableResult
    func setAdmin(accountID: Int64, _ admin: Bool) throws -> Bool
    @discardableResult
    func setPasswordHash(accountID: Int64, _ hash: String) throws -> Bool
    /// A new spelling of the account's address (and so its key); `StoreError.duplicateEmail`
    /// when another account has that key. False when there is no such account.
    @discardableResult
    func setEmail(accountID: Int64, _ email: String) throws -> Bool
    /// Where the account's password lives (the admin's `directory link`). False when there
    /// is no such account.
    @discardableResult
    func setOrigin(accountID: Int64, _ origin: AccountOrigin) throws -> Bool
    /// Removes unconfirmed accounts created before `createdBefore` (their links go with
    /// them); returns how many.
    @discardableResult
    func deleteUnconfirmedAccounts(createdBefore: Date) throws -> Int
}
