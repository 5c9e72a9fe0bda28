import AuthTokenStore
import Foundation

/// Application-specific passwords: for scripts and devices of people who sign in with two
/// factors, whose main password API mode refuses.
extension AuthService {
    static let appPasswordLength = 12

    /// A new application password, shown once grouped (`abcd efgh ijkl`); nil when the
    /// current password is wrong or the name unusable.
    public func createAppPassword(account: Account, name rawName: String, currentPassword: String) throws
        -> (password: String, record: AppPasswordRecord)?
    {
        let name = rawName.trimmingSpaces()
        guard !name.isEmpty, name.count <= 100,
              !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }),
              hasher.verify(currentPassword, against: account.passwordHash)
        else { return nil }
        let password = RandomCode.make(length: Self.appPasswordLength)
        let record = try store.insertAppPassword(
            accountID: account.id, name: name, passwordHash: try hasher.hash(password), createdAt: now())
        return (RandomCode.grouped(password), record)
    }

    public func appPasswords(accountID: Int64) throws -> [AppPasswordRecord] {
        try store.appPasswords(accountID: accountID)
    }

    /// Deletes it at once; tokens it got stay (tokens are permanent).
    public func revokeAppPassword(id: Int64, accountID: Int64) throws -> Bool {
        try store.deleteAppPassword(id: id, accountID: accountID)
    }

    /// The account's application password that `typed` is (spaces ignored), or nil. Each
    /// candidate costs one Argon2 hash, so a value that cannot be one costs none.
    func matchingAppPassword(_ typed: String, accountID: Int64) throws -> AppPasswordRecord? {
        let candidate = String(typed.filter { $0 != " " })
        guard candidate.utf8.count == Self.appPasswordLength,
              candidate.utf8.allSatisfy({ (48...57).contains($0) || (97...122).contains($0) })
        else { return nil }
        return try store.appPasswords(accountID: accountID).first { hasher.verify(candidate, against: $0.passwordHash) }
    }
}
