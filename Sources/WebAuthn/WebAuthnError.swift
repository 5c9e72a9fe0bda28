/// Why a registration or a sign-in with a security key was refused. Each has a message
/// that can be shown to the person (it names no secret).
public enum WebAuthnError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case cbor(CBORError)
    case wrongType
    case challengeMismatch
    case originMismatch
    case crossOrigin
    case rpIDMismatch
    case userNotPresent
    case userNotVerified
    case unsupportedAlgorithm
    case unsupportedAttestation
    case badAttestation
    case badSignature
    case counterRegression

    public var description: String {
        switch self {
        case .malformed(let what): "the security key's answer is malformed: \(what)"
        case .cbor(let error): "the security key's answer is malformed: \(error)"
        case .wrongType: "the answer is for another kind of request"
        case .challengeMismatch: "the answer is for another (or an expired) request"
        case .originMismatch: "the answer was made for another site"
        case .crossOrigin: "the answer was made inside another site's frame"
        case .rpIDMismatch: "the key answered for another site"
        case .userNotPresent: "the key did not confirm that someone touched it"
        case .userNotVerified: "the key did not verify its user (PIN or biometrics)"
        case .unsupportedAlgorithm: "the key uses an algorithm this server does not accept (ES256 and Ed25519 are)"
        case .unsupportedAttestation: "the key's attestation format is not accepted (none and packed self-attestation are)"
        case .badAttestation: "the key's attestation does not verify"
        case .badSignature: "the signature does not verify"
        case .counterRegression: "the key's signature counter went backwards: it may have been cloned"
        }
    }
}
