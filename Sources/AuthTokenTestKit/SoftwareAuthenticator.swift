import Crypto
import Foundation
import WebAuthn

/// A security key in software: makes the answers a browser would pass on, with knobs to
/// make each one wrong in a single way.
public struct SoftwareAuthenticator {
    public enum KeyKind: Sendable { case p256, ed25519 }

    public let kind: KeyKind
    public let p256 = P256.Signing.PrivateKey()
    public let ed25519 = Curve25519.Signing.PrivateKey()
    public let credentialID: [UInt8] = (0..<16).map { _ in UInt8.random(in: 0...255) }
    public var signCount: UInt32 = 0

    public init(_ kind: KeyKind = .p256) { self.kind = kind }

    public var coseKey: CBOR {
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

    public var algorithm: Int64 { kind == .p256 ? -7 : -8 }

    public func sign(_ data: [UInt8]) -> [UInt8] {
        switch kind {
        case .p256: Array(try! p256.signature(for: data).derRepresentation)
        case .ed25519: Array(try! ed25519.signature(for: data))
        }
    }

    public static func clientData(type: String, challenge: [UInt8], origin: String, crossOrigin: Bool? = nil) -> [UInt8] {
        var json = #"{"type":"\#(type)","challenge":"\#(Base64URL.encode(challenge))","origin":"\#(origin)""#
        if let crossOrigin { json += #","crossOrigin":\#(crossOrigin)"# }
        return Array((json + "}").utf8)
    }

    public func authenticatorData(rpID: String, flags: UInt8, count: UInt32, credential: Bool) -> [UInt8] {
        var data = Array(SHA256.hash(data: Array(rpID.utf8)))
        data.append(flags | (credential ? 0x40 : 0))
        data += CBOREncoder.bigEndian(UInt64(count), 4)
        if credential {
            data += [UInt8](repeating: 0, count: 16) + CBOREncoder.bigEndian(UInt64(credentialID.count), 2) + credentialID
            data += CBOREncoder.encode(coseKey)
        }
        return data
    }

    public struct Registration {
        public var clientData: [UInt8]
        public var attestationObject: [UInt8]
        public init(clientData: [UInt8], attestationObject: [UInt8]) {
            self.clientData = clientData
            self.attestationObject = attestationObject
        }
    }

    /// `format`: "none", "packed" (self-attestation) or anything else as given.
    public func register(
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

    public struct Assertion {
        public var clientData: [UInt8]
        public var authenticatorData: [UInt8]
        public var signature: [UInt8]
        public init(clientData: [UInt8], authenticatorData: [UInt8], signature: [UInt8]) {
            self.clientData = clientData
            self.authenticatorData = authenticatorData
            self.signature = signature
        }
    }

    public mutating func assert(
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
