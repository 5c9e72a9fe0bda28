import Crypto

/// A typed value that has the shape of an application password: 12 lower-case letters
/// and digits once spaces are removed (they are shown grouped, `abcd efgh ijkl`).
struct AppPasswordValue {
    static let length = 12
    let value: String

    init?(_ typed: String) {
        let candidate = String(typed.filter { $0 != " " })
        guard candidate.utf8.count == Self.length,
              candidate.utf8.allSatisfy({ (48...57).contains($0) || (97...122).contains($0) })
        else { return nil }
        value = candidate
    }

    /// What the store finds it by: HMAC-SHA256 under the server's look-up key, in hex. A
    /// fast digest is enough to find the row (the value has about 62 random bits); the
    /// Argon2 hash next to it is what a stolen database would have to break.
    func lookupDigest(_ key: AppPasswordKey) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(value.utf8), using: key.key))
    }
}

/// The key of application-password look-up digests: derived (HKDF) from
/// `AUTHTOKEN_SECRET_KEY` when one is configured, so the digests in a stolen database
/// cannot be tested offline without the key. Without a secret key it is a fixed,
/// public key, and the digests are then only as strong as the values' 62 bits.
struct AppPasswordKey: Sendable {
    /// Raw bytes: `SymmetricKey` is not `Sendable`.
    let bytes: [UInt8]
    var key: SymmetricKey { SymmetricKey(data: bytes) }

    init(secretBox: SecretBox?) {
        guard let box = secretBox else {
            bytes = Array(SHA256.hash(data: Self.info))
            return
        }
        bytes = Self.derive(box.keyBytes)
    }

    /// The key under the previous `AUTHTOKEN_SECRET_KEY`, during a rotation.
    static func previous(of secretBox: SecretBox?) -> AppPasswordKey? {
        secretBox?.previousKeyBytes.map { AppPasswordKey(bytes: derive($0)) }
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private static let info = Array("authtoken app-password lookup v1".utf8)

    private static func derive(_ secret: [UInt8]) -> [UInt8] {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: secret), info: info, outputByteCount: 32)
            .withUnsafeBytes { Array($0) }
    }
}
