import AuthTokenCore
import Foundation
import Testing

@Suite struct TOTPTests {
    let secret = Array("12345678901234567890".utf8)

    /// RFC 6238 Appendix B, SHA-1 column: 8 digits, and our 6 are their last six.
    @Test(arguments: [
        (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ] as [(Int64, String)])
    func matchesTheRFCVectors(time: Int64, expected: String) {
        let step = TOTP.step(at: Date(timeIntervalSince1970: Double(time)))
        #expect(TOTP.code(secret: secret, step: step, digits: 8) == expected)
        #expect(TOTP.code(secret: secret, step: step) == String(expected.suffix(6)))
    }

    @Test func acceptsOneStepOfDriftEitherWayButNotTwo() {
        let now = Date(timeIntervalSince1970: 1_234_567_890)
        let step = TOTP.step(at: now)
        for offset in -1...1 {
            let code = TOTP.code(secret: secret, step: step + Int64(offset))
            #expect(TOTP.matchingStep(secret: secret, code: code, at: now) == step + Int64(offset))
        }
        for offset in [-2, 2] {
            let code = TOTP.code(secret: secret, step: step + Int64(offset))
            #expect(TOTP.matchingStep(secret: secret, code: code, at: now) == nil)
        }
        #expect(TOTP.matchingStep(secret: secret, code: "12345", at: now) == nil)
        #expect(TOTP.matchingStep(secret: secret, code: "abcdef", at: now) == nil)
    }

    @Test func base32RoundTripsAndReadsTheRFCSecret() {
        #expect(Base32.encode(secret) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        #expect(Base32.decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq") == secret)
        #expect(Base32.decode("not base32!") == nil)
    }
}
