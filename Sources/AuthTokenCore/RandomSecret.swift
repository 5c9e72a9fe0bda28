import Crypto

/// A random value handed to a browser once (session id, confirmation link) of which the
/// store keeps only the SHA-256 digest, as it does for tokens.
public struct RandomSecret: Sendable, Equatable {
    /// 64 lower-case hex characters: 256 bits, twice the 128 the session rules ask for.
    public let value: String

    public init(value: String) { self.value = value }

    public static func generate() -> RandomSecret {
        RandomSecret(value: SymmetricKey(size: .bits256).withUnsafeBytes { Hex.encode($0) })
    }

    public var digest: String { TokenSecret.digest(of: value) }

    /// True for exactly 64 lower-case hex characters; anything else is not worth a query.
    public static func isWellFormed(_ text: String) -> Bool {
        let bytes = text.utf8
        return bytes.count == 64 && bytes.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
