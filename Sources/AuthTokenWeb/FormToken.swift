import AuthTokenCore
import Crypto

/// Anti-CSRF form tokens: HMAC-SHA256 of a fixed purpose, keyed with a secret only the
/// browser's own cookie carries (the session id, or before sign-in the pre-session id).
///
/// Another site can make the browser send the cookie but cannot read it, so it cannot
/// compute the token. Nothing is stored: the token is derived on each request, stays valid
/// exactly as long as the cookie, and survives a server restart.
enum FormToken {
    static let sessionPurpose = "authtoken session form v1"
    static let signInPurpose = "authtoken sign-in form v1"

    static func make(secret: String, purpose: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array(purpose.utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return Hex.encode(code)
    }

    /// Compared in constant time by swift-crypto.
    static func isValid(_ token: String?, secret: String, purpose: String) -> Bool {
        guard let token, let bytes = unhex(token), bytes.count == 32 else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(
            bytes, authenticating: Array(purpose.utf8), using: SymmetricKey(data: Array(secret.utf8)))
    }

    static func unhex(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = FormData.hexValue(digits[index]), let low = FormData.hexValue(digits[index + 1]) else {
                return nil
            }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}
