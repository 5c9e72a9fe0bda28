import Foundation

/// A security key or platform passkey registered as a second factor (WebAuthn). Only its
/// public key is stored: the database holds nothing that can sign.
public struct PasskeyRecord: Sendable, Equatable {
    public var id: Int64
    public var accountID: Int64
    /// The authenticator's credential id (unique across every account).
    public var credentialID: [UInt8]
    /// The COSE public key, as the authenticator sent it.
    public var publicKey: [UInt8]
    /// The signature counter last accepted (0 for keys that keep none).
    public var signCount: Int64
    public var name: String
    public var createdAt: Date
    public var lastUsedAt: Date?

    public init(
        id: Int64, accountID: Int64, credentialID: [UInt8], publicKey: [UInt8], signCount: Int64, name: String,
        createdAt: Date, lastUsedAt: Date?
    ) {
        self.id = id
        self.accountID = accountID
        self.credentialID = credentialID
        self.publicKey = publicKey
        self.signCount = signCount
        self.name = name
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }
}
