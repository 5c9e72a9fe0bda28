import AuthTokenStore
import Foundation

/// Account administration: what the admin CLI does and no web page does.
extension AuthService {
    /// Creates an account after checking the e-mail and password rules.
    public func addAccount(email: String, displayName: String?, password: String, confirmed: Bool) throws
        -> Account
    {
        let email = email.trimmingSpaces()
        guard Self.isPlausibleEmail(email) else { throw AccountError.invalidEmail }
        guard password.count >= 8 else { throw AccountError.weakPassword }
        guard password.utf8.count <= 1024 else { throw AccountError.passwordTooLong }
        let name = (displayName ?? "").trimmingSpaces()
        guard name.count <= 100,
              !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw AccountError.invalidDisplayName }
        let new = NewAccount(
            email: email, displayName: name.isEmpty ? String(email.prefix { $0 != "@" }) : name,
            passwordHash: try hasher.hash(password), confirmed: confirmed, createdAt: now())
        do {
            return try store.createAccount(new)
        } catch StoreError.duplicateEmail {
            throw AccountError.duplicateEmail
        }
    }

    /// Every account, oldest first.
    public func accounts() throws -> [Account] {
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

    /// The account with this e-mail (any letter case), or `AccountError.noSuchUser`.
    public func existingAccount(email: String) throws -> Account {
        guard let account = try store.account(email: email.trimmingSpaces()) else { throw AccountError.noSuchUser }
        return account
    }

    /// One `@`, something on both sides, no spaces or control characters, at most 254 bytes.
    static func isPlausibleEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && email.utf8.count <= 254
            && !email.unicodeScalars.contains {
                $0.properties.isWhitespace || $0.properties.generalCategory == .control
            }
    }
}

public enum AccountError: Error, Equatable, CustomStringConvertible {
    case invalidEmail, weakPassword, passwordTooLong, invalidDisplayName, duplicateEmail, noSuchUser

    public var description: String {
        switch self {
        case .invalidEmail: "not a valid e-mail address"
        case .weakPassword: "the password must have at least 8 characters"
        case .passwordTooLong: "the password must have at most 1024 bytes"
        case .invalidDisplayName: "the name must have at most 100 characters and no control characters"
        case .duplicateEmail: "an account with this e-mail already exists"
        case .noSuchUser: "no account has this e-mail"
        }
    }
}
