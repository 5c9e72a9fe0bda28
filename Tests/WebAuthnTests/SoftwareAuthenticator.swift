import Crypto
import Foundation
import WebAuthn

/// A security key in software: makes the answers a browser would pass on, with knobs to
/// make each one wrong in a single way.
struct SoftwareAuthenticator {
    enum KeyKind { case p256, ed25519 }

    let kind: KeyKind
    let p256 = P256.Signing.PrivateKey()
    let ed25519 = Curve25519.Signing.PrivateKey()
    let credentialID: [UInt8] = (0..<16).map { _ in UInt8.random(in: 0...255) }
    var signCount: UInt32 = 0

    init(_ kind: KeyKind = .p256) { self.kind = kind }

    var coseKey: CBOR {
        switch kind {
        case .p256:
            let raw = Array(p256.publicKey.rawRepresentation)
            return .map([.init(.int(1), .int(2)), .init(.int(3), .int(-7)), .init(.int(-1), .int(1)),
                         .init(.int(-2), .bytes(Array(raw[0..<32]))), .init(.int(-3), .bytes(Array(raw[32...])))])
        case .ed25519:
            return .map([.init(.int(1), .int(1)), .init(.int(3), .int(-8)), .init(.int(-1), .int(6)),
                         .init(.int(-2), .bytes(Array(ed25519.publicKey.rawRepresentation)))])
        }
    }

    var algorithm: Int64 { kind == .p256 ? -7 : -8 }

    func sign(_ data: [UInt8]) -> [UInt8] {
        switch kind {
        case .p256: Array(try! p256.signature(for: data).derRepresentation)
        case .ed25519: Array(try! ed25519.signature(for: data))
        }
    }

    static func clientData(type: String, challenge: [UInt8], origin: String, crossOrigin: Bool? = nil) -> [UInt8] {
        var json = #"{"type":"\#(type)","challenge":"\#(Base64URL.encode(challenge))","origin":"\#(origin)""#
        if let crossOrigin { json += #","crossOrigin":\#(crossOrigin)"# }
        return Array((json + "}").utf8)
    }

    func authenticatorData(rpID: String, flags: UInt8, count: UInt32, credential: Bool) -> [UInt8] {
        var data = Array(SHA256.hash(data: Array(rpID.utf8)))
        data.append(flags | (credential ? 0x40 : 0))
        data += CBOREncoder.bigEndian(UInt64(count), 4)
        if credential {
            data += [UInt8](repeating: 0, count: 16) + CBOREncoder.bigEndian(UInt64(credentialID.count), 2) + credentialID
            data += CBOREncoder.encode(coseKey)
        }
        return data
    }

    struct Registration {
        var clientData: [UInt8]
        var attestationObject: [UInt8]
    }

    /// `format`: "none", "packed" (self-attestation) or anything else as given.
    func register(
        challenge: [UInt8], rpID: String = "tokens.example.com", origin: String = "https://tokens.example.com",
        type: String = "webauthn.create", flags: UInt8 = 0x05, format: String = "none", statement: CBOR? = nil
    ) -> Registration {
        let clientData = Self.clientData(type: type, challenge: challenge, origin: origin)
        let authData = authenticatorData(rpID: rpID, flags: flags, count: signCount, credential: true)
        let attStmt: CBOR = statement ?? (format == "packed"
            ? .map([.init(.text("alg"), .int(algorithm)),
                    .init(.text("sig"), .bytes(sign(authData + Array(SHA256.hash(data: clientData)))))])
            : .map([]))
        let object = CBOR.map([.init(.text("fmt"), .text(format)), .init(.text("attStmt"), attStmt),
                               .init(.text("authData"), .bytes(authData))])
        return Registration(clientData: clientData, attestationObject: CBOREncoder.encode(object))
    }

    struct Assertion {
        var clientData: [UInt8]
        var authenticatorData: [UInt8]
        var signature: [UInt8]
    }

    mutating func assert(
        challenge: [UInt8], rpID: String = "tokens.example.com", origin: String = "https://tokens.example.com",
        type: String = "webauthn.get", flags: UInt8 = 0x05, crossOrigin: Bool? = nil
    ) -> Assertion {
        signCount &+= 1
        let clientData = Self.clientData(type: type, challenge: challenge, origin: origin, crossOrigin: crossOrigin)
        let authData = authenticatorData(rpID: rpID, flags: flags, count: signCount, credential: false)
        return Assertion(
            clientData: clientData, authenticatorData: authData,
            signature: sign(authData + Array(SHA256.hash(data: clientData))))
    }
}
