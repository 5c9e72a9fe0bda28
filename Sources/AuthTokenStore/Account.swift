import Foundation

/// A person who can sign in and own tokens.
///
/// `emailKey` is the lower-cased e-mail: uniqueness and look-ups use it, so
/// `Ann@Example.com` and `ann@example.com` are one account, while `email` keeps the
/// spelling the person chose.
public struct Account: Sendable, Equatable {
    public var id: Int64
    public var email: String
    public var displayName: String
    /// Argon2id PHC string, e.g. `$argon2id$v=19$m=19456,t=2,p=1$…`.
    public var passwordHash: String
    public var confirmed: Bool
    public var active: Bool
    public var createdAt: Date
    /// May use the administrators' pages (`authtoken-admin user grant-admin`).
    public var admin: Bool
    /// Where the account's password lives: here, or in the directory (docs/directory.md).
    public var origin: AccountOrigin

    public init(
        id: Int64, email: String, displayName: String, passwordHash: String,
        confirmed: Bool, active: Bool, createdAt: Date, admin: Bool = false, origin: AccountOrigin = .local
    ) {
        self.origin = origin
        self.id = id
        self.email = email
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.confirmed = confirmed
        self.active = active
        self.createdAt = createdAt
        self.admin = admin
    }

    /// The password hash of an account made by `/register` whose registration nobody has
    /// confirmed yet: no password opens it. Each registration's password waits with the link
    /// mailed for it (`SessionStore.addRegistrationLink`) until that link is used.
    public static let noPassword = ""

    /// The key used for uniqueness and look-up.
    public var emailKey: String { Account.key(forEmail: email) }

    /// Lower-cases an e-mail for comparison. Unicode-aware, locale-independent.
    public static func key(forEmail email: String) -> String {
        email.lowercased()
    }
}

/// Where an account's password lives. A `directory` account has no local password
/// (`Account.noPassword`): it signs in by binding to the directory, and the directory sync
/// deactivates it when its entry goes.
public enum AccountOrigin: String, Sendable, Equatable, CaseIterable {
    case local, directory
}

/// The fields needed to create an account; the store assigns the id.
public struct NewAccount: Sendable {
    public var email: String
    public var displayName: String
    public var passwordHash: String
    public var confirmed: Bool
    public var active: Bool
    public var createdAt: Date
    public var origin: AccountOrigin

    public init(
        email: String, displayName: String, passwordHash: String,
        confirmed: Bool, active: Bool = true, createdAt: Date, origin: AccountOrigin = .local
    ) {
        self.origin = origin
        self.email = email
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.confirmed = confirmed
        self.active = active
        self.createdAt = createdAt
    }
}
