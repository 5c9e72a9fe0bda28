import Crypto
import Foundation

/// This server as a WebAuthn relying party: its RP ID and origin (both from
/// `AUTHTOKEN_PUBLIC_URL`) and its user-verification policy. Verifies what a browser sends
/// back after `navigator.credentials.create` and `.get`, by the rules of WebAuthn Level 2
/// (§7.1 and §7.2); what the account's stored credentials and challenges are is the
/// caller's part.
public struct RelyingParty: Sendable {
    /// The host of the public URL.
    public let id: String
    /// `scheme://host[:port]` of the public URL, as browsers write it in client data.
    public let origin: String
    /// A key is a second factor after the password here, so user verification (a PIN or a
    /// fingerprint on the key) is preferred but, by default, not required; when it is
    /// required, an answer without the UV flag is refused.
    public let requireUserVerification: Bool

    /// nil for a URL without a scheme and a host.
    public init?(publicURL: String, requireUserVerification: Bool = false) {
        guard let url = URLComponents(string: publicURL), let scheme = url.scheme?.lowercased(),
              scheme == "https" || scheme == "http", let host = url.host?.lowercased(), !host.isEmpty
        else { return nil }
        let defaultPort = scheme == "https" ? 443 : 80
        id = host
        origin = "\(scheme)://\(host)" + (url.port.map { $0 == defaultPort ? "" : ":\($0)" } ?? "")
        self.requireUserVerification = requireUserVerification
    }

    /// The challenge the client data names, decoded; nil when the client data is malformed.
    /// (To find which stored challenge an answer claims; `verify…` still checks it.)
    public static func challenge(in clientDataJSON: [UInt8]) -> [UInt8]? {
        (try? ClientData.parse(clientDataJSON)).flatMap { Base64URL.decode($0.challenge) }
    }

    /// A new credential, verified.
    public struct Registration: Sendable {
        public let credentialID: [UInt8]
        public let publicKey: COSEKey
        public let signCount: UInt32
        public let userVerified: Bool
        /// `none` or `packed` (self-attestation).
        public let format: String
    }

    /// Verifies an attestation (registration) for `challenge`.
    public func verifyRegistration(clientDataJSON: [UInt8], attestationObject: [UInt8], challenge: [UInt8])
        throws(WebAuthnError) -> Registration
    {
        try ClientData.parse(clientDataJSON).check(type: "webauthn.create", challenge: challenge, origin: origin)
        let object: CBOR
        do { object = try CBORDecoder.decode(attestationObject) } catch { throw .cbor(error) }
        guard let format = object["fmt"]?.textString, let statement = object["attStmt"], case .map(let fields) = statement,
              let rawData = object["authData"]?.byteString
        else { throw .malformed("not an attestation object") }
        let data = try checked(AuthenticatorData(rawData))
        guard let credential = data.credential else { throw .malformed("no credential in the registration") }
        switch format {
        case "none":
            guard fields.isEmpty else { throw .badAttestation }
        case "packed":
            // Self-attestation only: signed by the new credential itself. A statement with a
            // certificate chain (x5c) would need trust decisions this server does not make.
            guard statement["x5c"] == nil else { throw .unsupportedAttestation }
            guard fields.count == 2, statement["alg"]?.integer == credential.publicKey.algorithm.rawValue,
                  let signature = statement["sig"]?.byteString
            else { throw .badAttestation }
            guard credential.publicKey.isValidSignature(signature, for: rawData + Self.hash(clientDataJSON)) else {
                throw .badAttestation
            }
        default:
            throw .unsupportedAttestation
        }
        return Registration(
            credentialID: credential.id, publicKey: credential.publicKey, signCount: data.signCount,
            userVerified: data.userVerified, format: format)
    }

    /// What a verified assertion says.
    public struct Assertion: Sendable {
        public let signCount: UInt32
        public let userVerified: Bool
    }

    /// Verifies an assertion (sign-in) for `challenge` with the stored credential `publicKey`
    /// and its stored counter. The counter is compared only after the signature verified,
    /// so a forged answer cannot raise the alarm a cloned key does.
    public func verifyAssertion(
        clientDataJSON: [UInt8], authenticatorData: [UInt8], signature: [UInt8], challenge: [UInt8],
        publicKey: COSEKey, storedSignCount: UInt32
    ) throws(WebAuthnError) -> Assertion {
        try ClientData.parse(clientDataJSON).check(type: "webauthn.get", challenge: challenge, origin: origin)
        let data = try checked(AuthenticatorData(authenticatorData))
        guard data.credential == nil else { throw .malformed("unexpected credential data in a sign-in") }
        guard publicKey.isValidSignature(signature, for: authenticatorData + Self.hash(clientDataJSON)) else {
            throw .badSignature
        }
        // Keys that keep no counter send 0 every time; otherwise it must grow.
        if data.signCount != 0 || storedSignCount != 0, data.signCount <= storedSignCount {
            throw .counterRegression
        }
        return Assertion(signCount: data.signCount, userVerified: data.userVerified)
    }

    /// The RP ID's hash and the flags every answer must carry.
    private func checked(_ data: AuthenticatorData) throws(WebAuthnError) -> AuthenticatorData {
        guard data.rpIDHash == Self.hash(Array(id.utf8)) else { throw .rpIDMismatch }
        guard data.userPresent else { throw .userNotPresent }
        guard data.userVerified || !requireUserVerification else { throw .userNotVerified }
        return data
    }

    static func hash(_ bytes: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: bytes))
    }
}
