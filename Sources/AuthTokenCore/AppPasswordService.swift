import AuthTokenStore
import Foundation

/// Why an application password was not created.
public enum AppPasswordRefusal: Error, Equatable, Sendable {
    /// Empty, over 100 characters or 400 bytes, or with control characters (`NameRule`).
    case invalidName
    case wrongPassword
    /// Too many wrong passwords or codes: the throttle holds.
    case blocked
    /// The account holds the most application passwords allowed.
    case limitReached(Int)
}

/// Application-specific passwords: for scripts and devices of people who sign in with two
/// factors, whose main password API mode refuses.
extension AppPasswordService {
    /// A new application password, shown once grouped (`abcd efgh ijkl`). The current
    /// password is checked through the throttle, like every other password.
    public func createAppPassword(account: Account, name rawName: String, currentPassword: String, client: Client)
        throws -> Result<(password: String, record: AppPasswordRecord), AppPasswordRefusal>
    {
        let name = rawName.trimmingSpaces()
        guard !name.isEmpty, NameRule.allows(name) else { return .failure(.invalidName) }
        switch try throttle.attempt(accountID: account.id, client: client, {
            try hasher.verify(currentPassword, against: account.passwordHash)
        }) {
        case .blocked: return .failure(.blocked)
        case .failed:
            try log(.signInFailed, accountID: account.id, client: client, detail: "application password: wrong password")
            return .failure(.wrongPassword)
        case .passed: break
        }
        let limit = settings.maxAppPasswordsPerAccount
        guard try store.appPasswords(accountID: account.id).count < limit else { return .failure(.limitReached(limit)) }
        let value = RandomCode.make(length: AppPasswordValue.length)
        guard let typed = AppPasswordValue(value) else { preconditionFailure("RandomCode makes [0-9a-z] codes") }
        do {
            let record = try store.insertAppPassword(
                accountID: account.id, name: name, passwordHash: try hasher.hash(value),
                lookupDigest: typed.lookupDigest(appPasswordKey), createdAt: now(), limit: limit)
            appPasswordCreated(record, account: account, client: client)
            return .success((RandomCode.grouped(value), record))
        } catch StoreError.appPasswordLimitReached {
            return .failure(.limitReached(limit))
        }
    }

    public func list(accountID: Int64) throws -> [AppPasswordRecord] {
        try store.appPasswords(accountID: accountID)
    }

    /// Deletes it at once; tokens it got stay (tokens are permanent).
    public func revokeAppPassword(id: Int64, accountID: Int64) throws -> Bool {
        try store.deleteAppPassword(id: id, accountID: accountID)
    }
}
