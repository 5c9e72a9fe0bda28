import Crypto

/// A credential public key in COSE form (RFC 9052/9053), of the two algorithms accepted:
/// ES256 (ECDSA on P-256 with SHA-256) and EdDSA on Ed25519. The key type and curve must
/// match the algorithm; anything else is refused.
public struct COSEKey: Sendable {
    public enum Algorithm: Int64, Sendable {
        case es256 = -7
        case ed25519 = -8
    }

    public let algorithm: Algorithm
    /// The COSE bytes as the authenticator sent them: what is stored.
    public let encoded: [UInt8]
    /// The key's raw bytes (x‖y for P-256, x for Ed25519), checked to be a valid key.
    private let raw: [UInt8]

    /// Reads a stored key.
    public init(encoded: [UInt8]) throws(WebAuthnError) {
        let item: CBOR
        do { item = try CBORDecoder.decode(encoded) } catch { throw .cbor(error) }
        try self.init(item, encoded: encoded)
    }

    init(_ item: CBOR, encoded: [UInt8]) throws(WebAuthnError) {
        guard case .map = item else { throw .malformed("the public key is not a COSE map") }
        guard let alg = item[3]?.integer, let algorithm = Algorithm(rawValue: alg) else { throw .unsupportedAlgorithm }
        let (kty, crv, x) = (item[1]?.integer, item[-1]?.integer, item[-2]?.byteString)
        switch algorithm {
        case .es256:
            guard kty == 2, crv == 1, let x, x.count == 32, let y = item[-3]?.byteString, y.count == 32,
                  (try? P256.Signing.PublicKey(rawRepresentation: x + y)) != nil
            else { throw .malformed("not a P-256 public key") }
            raw = x + y
        case .ed25519:
            guard kty == 1, crv == 6, let x, x.count == 32, item[-3] == nil,
                  (try? Curve25519.Signing.PublicKey(rawRepresentation: x)) != nil
            else { throw .malformed("not an Ed25519 public key") }
            raw = x
        }
        self.algorithm = algorithm
        self.encoded = encoded
    }

    /// True when `signature` (DER for ES256, 64 bytes for Ed25519) signs `data`.
    public func isValidSignature(_ signature: [UInt8], for data: [UInt8]) -> Bool {
        switch algorithm {
        case .es256:
            guard let key = try? P256.Signing.PublicKey(rawRepresentation: raw),
                  let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature)
            else { return false }
            return key.isValidSignature(parsed, for: data)
        case .ed25519:
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { return false }
            return signature.count == 64 && key.isValidSignature(signature, for: data)
        }
    }
}
