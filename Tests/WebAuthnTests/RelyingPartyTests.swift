import Crypto
import Testing
import AuthTokenTestKit
import WebAuthn

@Suite struct RelyingPartyTests {
    let rp = RelyingParty(publicURL: "https://tokens.example.com/")!
    let challenge: [UInt8] = (0..<32).map { UInt8($0) }

    @Test func takesItsIDAndOriginFromThePublicURL() {
        #expect(rp.id == "tokens.example.com" && rp.origin == "https://tokens.example.com")
        let local = RelyingParty(publicURL: "http://localhost:8080/authtoken")!
        #expect(local.id == "localhost" && local.origin == "http://localhost:8080")
        #expect(RelyingParty(publicURL: "https://Tokens.Example.com:443")?.origin == "https://tokens.example.com")
        #expect(RelyingParty(publicURL: "tokens.example.com") == nil)
        #expect(RelyingParty(publicURL: "ftp://tokens.example.com") == nil)
    }

    @Test(arguments: [SoftwareAuthenticator.KeyKind.p256, .ed25519], ["none", "packed"])
    func registersAndThenSignsIn(kind: SoftwareAuthenticator.KeyKind, format: String) throws {
        var key = SoftwareAuthenticator(kind)
        let made = key.register(challenge: challenge, format: format)
        let registration = try rp.verifyRegistration(
            clientDataJSON: made.clientData, attestationObject: made.attestationObject, challenge: challenge)
        #expect(registration.credentialID == key.credentialID)
        #expect(registration.format == format && registration.userVerified && registration.signCount == 0)
        let stored = try COSEKey(encoded: registration.publicKey.encoded)
        let answer = key.assert(challenge: challenge)
        let assertion = try rp.verifyAssertion(
            clientDataJSON: answer.clientData, authenticatorData: answer.authenticatorData, signature: answer.signature,
            challenge: challenge, publicKey: stored, storedSignCount: 0)
        #expect(assertion.signCount == 1)
    }

    @Test func refusesARegistrationThatIsWrongInOneWay() {
        let key = SoftwareAuthenticator()
        func refusal(_ made: SoftwareAuthenticator.Registration, challenge: [UInt8]? = nil) -> WebAuthnError? {
            do {
                _ = try rp.verifyRegistration(
                    clientDataJSON: made.clientData, attestationObject: made.attestationObject, challenge: challenge ?? self.challenge)
                return nil
            } catch { return error }
        }
        #expect(refusal(key.register(challenge: challenge, type: "webauthn.get")) == .wrongType)
        #expect(refusal(key.register(challenge: challenge), challenge: [1, 2, 3]) == .challengeMismatch)
        #expect(refusal(key.register(challenge: challenge, origin: "https://tokens.example.com.evil.test")) == .originMismatch)
        #expect(refusal(key.register(challenge: challenge, rpID: "example.com")) == .rpIDMismatch)
        #expect(refusal(key.register(challenge: challenge, flags: 0x04)) == .userNotPresent)
        #expect(refusal(key.register(challenge: challenge, format: "fido-u2f", statement: .map([]))) == .unsupportedAttestation)
        let withChain = CBOR.map([.init(.text("alg"), .int(-7)), .init(.text("sig"), .bytes([1])),
                                  .init(.text("x5c"), .array([.bytes([1])]))])
        #expect(refusal(key.register(challenge: challenge, format: "packed", statement: withChain)) == .unsupportedAttestation)
        let forged = CBOR.map([.init(.text("alg"), .int(-7)), .init(.text("sig"), .bytes(SoftwareAuthenticator().sign([1])))])
        #expect(refusal(key.register(challenge: challenge, format: "packed", statement: forged)) == .badAttestation)
        #expect(refusal(key.register(challenge: challenge, format: "none", statement: .map([.init(.text("x"), .int(1))])))
            == .badAttestation)
        var malformed = key.register(challenge: challenge)
        malformed.attestationObject[0] = 0xbf  // an indefinite-length map
        #expect(refusal(malformed) == .cbor(.indefiniteLength))
    }

    @Test func userVerificationIsRequiredOnlyWhenThePolicySaysSo() throws {
        let key = SoftwareAuthenticator()
        let withoutUV = key.register(challenge: challenge, flags: 0x01)
        let lenient = try rp.verifyRegistration(
            clientDataJSON: withoutUV.clientData, attestationObject: withoutUV.attestationObject, challenge: challenge)
        #expect(!lenient.userVerified)
        let strict = RelyingParty(publicURL: "https://tokens.example.com", requireUserVerification: true)!
        #expect(throws: WebAuthnError.userNotVerified) {
            try strict.verifyRegistration(
                clientDataJSON: withoutUV.clientData, attestationObject: withoutUV.attestationObject, challenge: challenge)
        }
    }

    @Test func refusesASignInThatIsWrongInOneWay() throws {
        var key = SoftwareAuthenticator()
        let publicKey = try COSEKey(encoded: CBOREncoder.encode(key.coseKey))
        func refusal(_ answer: SoftwareAuthenticator.Assertion, key publicKey: COSEKey, stored: UInt32 = 0) -> WebAuthnError? {
            do {
                _ = try rp.verifyAssertion(
                    clientDataJSON: answer.clientData, authenticatorData: answer.authenticatorData, signature: answer.signature,
                    challenge: challenge, publicKey: publicKey, storedSignCount: stored)
                return nil
            } catch { return error }
        }
        var badSignature = key.assert(challenge: challenge)
        badSignature.signature = key.sign([0])
        #expect(refusal(badSignature, key: publicKey) == .badSignature)
        #expect(refusal(key.assert(challenge: challenge, type: "webauthn.create"), key: publicKey) == .wrongType)
        #expect(refusal(key.assert(challenge: [9]), key: publicKey) == .challengeMismatch)
        #expect(refusal(key.assert(challenge: challenge, origin: "http://tokens.example.com"), key: publicKey) == .originMismatch)
        #expect(refusal(key.assert(challenge: challenge, crossOrigin: true), key: publicKey) == .crossOrigin)
        #expect(refusal(key.assert(challenge: challenge, rpID: "evil.test"), key: publicKey) == .rpIDMismatch)
        #expect(refusal(key.assert(challenge: challenge, flags: 0), key: publicKey) == .userNotPresent)
        let other = try COSEKey(encoded: CBOREncoder.encode(SoftwareAuthenticator().coseKey))
        #expect(refusal(key.assert(challenge: challenge), key: other) == .badSignature)
        var trailing = key.assert(challenge: challenge)
        trailing.authenticatorData.append(0)
        #expect(refusal(trailing, key: publicKey) == .malformed("bytes follow the authenticator data"))
    }

    @Test func aCounterThatDoesNotGrowIsRefusedAfterTheSignatureVerified() throws {
        var key = SoftwareAuthenticator()
        let publicKey = try COSEKey(encoded: CBOREncoder.encode(key.coseKey))
        key.signCount = 4
        let fifth = key.assert(challenge: challenge)
        func verify(_ answer: SoftwareAuthenticator.Assertion, stored: UInt32) throws -> UInt32 {
            try rp.verifyAssertion(
                clientDataJSON: answer.clientData, authenticatorData: answer.authenticatorData, signature: answer.signature,
                challenge: challenge, publicKey: publicKey, storedSignCount: stored
            ).signCount
        }
        #expect(try verify(fifth, stored: 4) == 5)
        #expect(throws: WebAuthnError.counterRegression) { try verify(fifth, stored: 5) }
        #expect(throws: WebAuthnError.counterRegression) { try verify(fifth, stored: 9) }
        var forged = fifth
        forged.signature = key.sign([1])
        #expect(throws: WebAuthnError.badSignature) { try verify(forged, stored: 9) }
        key.signCount = UInt32.max  // a key that keeps no counter sends 0 every time
        let zero = key.assert(challenge: challenge)  // the count wraps to 0
        #expect(try verify(zero, stored: 0) == 0)
    }
}

@Suite struct COSEKeyTests {
    @Test func refusesOtherAlgorithmsAndMismatchedKeys() {
        let es256 = SoftwareAuthenticator().coseKey
        guard case .map(var pairs) = es256 else { return }
        func with(_ key: Int64, _ value: CBOR) -> [UInt8] {
            CBOREncoder.encode(.map(pairs.map { $0.key.integer == key ? .init($0.key, value) : $0 }))
        }
        #expect(throws: WebAuthnError.unsupportedAlgorithm) { try COSEKey(encoded: with(3, .int(-257))) }  // RS256
        #expect(throws: WebAuthnError.malformed("not a P-256 public key")) { try COSEKey(encoded: with(-1, .int(2))) }
        #expect(throws: WebAuthnError.malformed("not a P-256 public key")) { try COSEKey(encoded: with(1, .int(1))) }
        #expect(throws: WebAuthnError.malformed("not a P-256 public key")) {
            try COSEKey(encoded: with(-3, .bytes([UInt8](repeating: 1, count: 32))))  // not on the curve
        }
        pairs.removeAll { $0.key.integer == 3 }
        #expect(throws: WebAuthnError.unsupportedAlgorithm) { try COSEKey(encoded: CBOREncoder.encode(.map(pairs))) }
        var ed = SoftwareAuthenticator(.ed25519).coseKey
        if case .map(let edPairs) = ed { ed = .map(edPairs + [.init(.int(-3), .bytes([1]))]) }
        #expect(throws: WebAuthnError.malformed("not an Ed25519 public key")) { try COSEKey(encoded: CBOREncoder.encode(ed)) }
    }
}
