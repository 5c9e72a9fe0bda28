/// The authenticator data (WebAuthn §6.1): the RP ID's hash, the flags, the signature
/// counter, and on registration the new credential. Parsed strictly: every byte must be
/// accounted for.
public struct AuthenticatorData: Sendable {
    public let raw: [UInt8]
    public let rpIDHash: [UInt8]
    public let userPresent: Bool
    public let userVerified: Bool
    public let signCount: UInt32
    /// Present on registration (the AT flag).
    public let credential: AttestedCredential?

    public struct AttestedCredential: Sendable {
        public let id: [UInt8]
        public let publicKey: COSEKey
    }

    /// The longest credential id WebAuthn allows.
    static let maxCredentialIDLength = 1023

    public init(_ raw: [UInt8]) throws(WebAuthnError) {
        guard raw.count >= 37 else { throw .malformed("authenticator data is too short") }
        self.raw = raw
        rpIDHash = Array(raw[0..<32])
        let flags = raw[32]
        userPresent = flags & 0x01 != 0
        userVerified = flags & 0x04 != 0
        signCount = raw[33..<37].reduce(0) { $0 << 8 | UInt32($1) }
        var position = 37
        if flags & 0x40 != 0 {
            guard raw.count >= position + 18 else { throw .malformed("credential data is too short") }
            position += 16  // the AAGUID: no attestation trust decisions are made
            let length = Int(raw[position]) << 8 | Int(raw[position + 1])
            position += 2
            guard (1...Self.maxCredentialIDLength).contains(length), raw.count >= position + length else {
                throw .malformed("bad credential id length")
            }
            let id = Array(raw[position..<position + length])
            position += length
            let (key, used) = try Self.item(raw, at: position)
            let publicKey = try COSEKey(key, encoded: Array(raw[position..<position + used]))
            position += used
            credential = AttestedCredential(id: id, publicKey: publicKey)
        } else {
            credential = nil
        }
        if flags & 0x80 != 0 {
            let (extensions, used) = try Self.item(raw, at: position)
            guard case .map = extensions else { throw .malformed("extensions are not a map") }
            position += used
        }
        guard position == raw.count else { throw .malformed("bytes follow the authenticator data") }
    }

    private static func item(_ raw: [UInt8], at position: Int) throws(WebAuthnError) -> (CBOR, Int) {
        do { return try CBORDecoder.decodePrefix(raw[position...]) } catch { throw .cbor(error) }
    }
}
