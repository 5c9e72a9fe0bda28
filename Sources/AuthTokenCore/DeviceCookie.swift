import Crypto
import Foundation

/// OWASP's device cookie, against lockouts of the rightful owner: a browser that signed in
/// to an account successfully gets a cookie `<account id>.<nonce>.<HMAC>`, signed with a key
/// derived from `AUTHTOKEN_SECRET_KEY`. A sign-in that brings a valid one for the account
/// it names is counted against that device alone (its own small budget,
/// `devicesMaxFailures`), not against the account or the client address, so failures
/// made elsewhere do not lock the owner's known browser out; a device that fails too often
/// is blocked by itself. Without a secret key there are no device cookies (a public key
/// would let anyone forge one).
public struct DeviceCookie: Sendable {
    /// Raw bytes: `SymmetricKey` is not `Sendable`. The current key signs; during a key
    /// rotation the previous one's cookies are still accepted.
    let key: [UInt8]
    let previousKey: [UInt8]?

    public init?(secretBox: SecretBox?) {
        guard let box = secretBox else { return nil }
        key = Self.derive(box.keyBytes)
        previousKey = box.previousKeyBytes.map(Self.derive)
    }

    static func derive(_ secret: [UInt8]) -> [UInt8] {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: secret), info: Array("authtoken device cookie v1".utf8),
            outputByteCount: 32
        ).withUnsafeBytes { Array($0) }
    }

    /// A new cookie value for a browser that just signed in to `accountID`.
    public func make(accountID: Int64) -> String {
        let body = "\(accountID)." + SymmetricKey(size: .bits128).withUnsafeBytes { Hex.encode($0) }
        return body + "." + mac(body)
    }

    /// The device's throttle name (its nonce) when `value` is a cookie this server made for
    /// `accountID`; nil otherwise (missing, malformed, forged, or another account's).
    public func device(in value: String?, accountID: Int64) -> String? {
        guard let value, value.utf8.count <= 120 else { return nil }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "\(accountID)", parts[1].utf8.count == 32,
              parts[1].allSatisfy(\.isHexDigit)
        else { return nil }
        let body = String(parts[0]) + "." + String(parts[1])
        var candidates = [key]
        if let previousKey { candidates.append(previousKey) }
        // Constant time: the MAC is a secret until it matches.
        for candidate in candidates where TOTP.constantTimeEqual(String(parts[2]), Self.mac(body, key: candidate)) {
            return String(parts[1])
        }
        return nil
    }

    private func mac(_ body: String) -> String {
        Self.mac(body, key: key)
    }

    private static func mac(_ body: String, key: [UInt8]) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(body.utf8), using: SymmetricKey(data: key)))
    }
}
