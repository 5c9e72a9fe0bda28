import Foundation

/// An application-specific password: only its Argon2id hash is kept, next to the name the
/// person gave it, so they can tell which device to revoke.
public struct AppPasswordRecord: Sendable, Equatable {
    public var id: Int64
    public var accountID: Int64
    public var name: String
    public var passwordHash: String
    public var createdAt: Date
    /// When it last got a token in API mode.
    public var lastUsedAt: Date?

    public init(id: Int64, accountID: Int64, name: String, passwordHash: String, createdAt: Date, lastUsedAt: Date?) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }
}
