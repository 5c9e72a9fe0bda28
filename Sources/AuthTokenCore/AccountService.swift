import AuthTokenStore
import Foundation

/// Account administration: what the admin CLI does and no web page does.
extension AccountService {
    /// Creates an account after checking the e-mail and password rules.
    public func addAccount(email: String, displayName: String?, password: String, confirmed: Bool) throws
        -> Account
    {
        let email = try Self.address(email)
        try Self.checkNewPassword(password)
        let name = try Self.displayName(displayName, email: email)
        let new = NewAccount(
            email: email.value, displayName: name,
            passwordHash: try hasher.hash(password), confirmed: confirmed, createdAt: now())
        do {
            return try store.createAccount(new)
        } catch StoreError.duplicateEmail {
            throw AccountError.duplicateEmail
        }
    }

    /// Every account, oldest first.
    public func list() throws -> [Account] {
        try store.accounts()
    }

    /// Marks the registration confirmed (or not); false when there is no such account.
    @discardableResult
    public func setConfirmed(accountID: Int64, _ confirmed: Bool) throws -> Bool {
        try store.setConfirmed(accountID: accountID, confirmed)
    }

    /// Activates or deactivates; a deactivated account's tokens and sessions stop at once.
    @discardableResult
    public func setActive(accountID: Int64, _ active: Bool) throws -> Bool {
        try store.setActive(accountID: accountID, active)
    }

    /// Grants (or takes back) the administrators' pages; false when there is no such account.
    @discardableResult
    public func setAdmin(accountID: Int64, _ admin: Bool) throws -> Bool {
        try store.setAdmin(accountID: accountID, admin)
    }

    /// The account with this e-mail (any spelling of it, see `EmailAddress`), or
    /// `AccountError.noSuchUser`.
    public func existingAccount(email: String) throws -> Account {
        guard let account = try store.account(email: try Self.address(email).value) else { throw AccountError.noSuchUser }
        return account
    }
}

public enum AccountError: Error, Equatable, CustomStringConvertible {
    case invalidEmail(EmailAddress.Refusal), weakPassword, passwordTooLong, invalidDisplayName, duplicateEmail, noSuchUser

    public var description: String {
        switch self {
        case .invalidEmail(let reason): "not a valid e-mail address: \(reason)"
        case .weakPassword: "the password must have at least 8 characters"
        case .passwordTooLong: "the password must have at most 1024 bytes"
        case .invalidDisplayName: "the name must have at most 100 characters and no control characters"
        case .duplicateEmail: "an account with this e-mail already exists"
        case .noSuchUser: "no account has this e-mail"
        }
    }
}
