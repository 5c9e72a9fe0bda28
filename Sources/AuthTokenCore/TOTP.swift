import Crypto
import Foundation

/// Time-based one-time codes (RFC 6238) as authenticator apps make them: HMAC-SHA-1,
/// 30-second steps, 6 digits. SHA-1 is what the apps expect; HMAC-SHA-1 is not weakened by
/// SHA-1's collision attacks.
public enum TOTP {
    public static let period: Int64 = 30
    public static let digits = 6
    /// Steps either side of now that are still accepted, for clocks a little off.
    public static let drift: Int64 = 1

    public static func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / Double(period)).rounded(.down))
    }

    /// The code for one time step (RFC 4226 dynamic truncation), `digits` long with
    /// leading zeros.
    public static func code(secret: [UInt8], step: Int64, digits: Int = TOTP.digits) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let number = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let text = String(number % modulus)
        return String(repeating: "0", count: digits - text.count) + text
    }

    /// The step whose code `code` is, within the allowed drift of `date`; nil when none.
    /// Every candidate is computed and compared whole, so timing says nothing about which.
    public static func matchingStep(secret: [UInt8], code: String, at date: Date) -> Int64? {
        let typed = code.filter { $0 != " " }
        guard typed.count == digits, typed.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let now = step(at: date)
        var found: Int64?
        for candidate in (now - drift)...(now + drift) {
            if constantTimeEqual(Self.code(secret: secret, step: candidate), typed) && found == nil {
                found = candidate
            }
        }
        return found
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
