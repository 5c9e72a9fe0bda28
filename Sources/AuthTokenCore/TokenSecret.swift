import Crypto

/// A freshly generated token: the secret that is shown once, and what may be stored.
public struct TokenSecret: Sendable {
    /// 32 lower-case hex characters (128 random bits).
    public let value: String

    public init(value: String) { self.value = value }

    /// 128 bits from the system CSPRNG, via swift-crypto.
    public static func generate() -> TokenSecret {
        let hex = SymmetricKey(size: .bits128).withUnsafeBytes { Hex.encode($0) }
        return TokenSecret(value: hex)
    }

    /// Lower-case hex SHA-256: the only form of the token the store keeps. A token has
    /// 128 random bits, so a fast unsalted digest is enough; nothing is gained by a slow one.
    public var digest: String { Self.digest(of: value) }

    public static func digest(of token: String) -> String {
        Hex.encode(SHA256.hash(data: Array(token.utf8)))
    }

    /// The last four characters: enough for a person to tell tokens apart, far too little
    /// to guess the rest.
    public var hint: String { "…" + value.suffix(4) }

    /// True for exactly 32 lower-case hex characters, the only shape we ever issue.
    public static func isWellFormed(_ token: String) -> Bool {
        let bytes = token.utf8
        return bytes.count == 32 && bytes.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}

/// Lower-case hex, for every secret and digest we print or store.
public enum Hex {
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
