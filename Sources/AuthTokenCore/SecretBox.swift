import Crypto
import Foundation

/// Seals TOTP secrets with AES-256-GCM under the server's `AUTHTOKEN_SECRET_KEY`, so the
/// database alone (a backup, a stolen copy) cannot produce codes. The account id is bound
/// in as associated data: a sealed secret copied to another account's row does not open.
public struct SecretBox: Sendable {
    /// Raw bytes: `SymmetricKey` is not `Sendable`, and the settings travel between threads.
    let keyBytes: [UInt8]
    var key: SymmetricKey { SymmetricKey(data: keyBytes) }
    /// The key before the current one (`AUTHTOKEN_SECRET_KEY_PREVIOUS`), during a rotation:
    /// what it sealed still opens, and is sealed again with the current key when used.
    public private(set) var previousKeyBytes: [UInt8]?

    /// The current key, and the previous one while a rotation is under way.
    public init?(hexKey hex: String, previousHexKey: String?) {
        self.init(hexKey: hex)
        if let previousHexKey {
            guard let previous = SecretBox(hexKey: previousHexKey) else { return nil }
            previousKeyBytes = previous.keyBytes
        }
    }

    /// The box of the previous key alone, if there is one.
    public var previous: SecretBox? {
        previousKeyBytes.map { SecretBox(keyBytes: $0) }
    }

    init(keyBytes: [UInt8]) {
        self.keyBytes = keyBytes
    }

    /// `hex`: 64 hex characters (32 bytes). Nil for anything else.
    public init?(hexKey hex: String) {
        let digits = Array(hex.lowercased().utf8)
        guard digits.count == 64 else { return nil }
        var bytes = [UInt8]()
        var index = 0
        while index < 64 {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        keyBytes = bytes
    }

    public func seal(_ secret: [UInt8], accountID: Int64) throws -> [UInt8] {
        let box = try AES.GCM.seal(secret, using: key, authenticating: Self.context(accountID))
        guard let combined = box.combined else { throw SecretBoxError.cannotOpen }
        return Array(combined)
    }

    public func open(_ sealed: [UInt8], accountID: Int64) throws -> [UInt8] {
        try opened(sealed, accountID: accountID).secret
    }

    /// The secret, and whether it was sealed with the previous key (so it should be sealed
    /// again with the current one).
    public func opened(_ sealed: [UInt8], accountID: Int64) throws -> (secret: [UInt8], byPreviousKey: Bool) {
        if let secret = Self.open(sealed, key: keyBytes, accountID: accountID) { return (secret, false) }
        if let previousKeyBytes, let secret = Self.open(sealed, key: previousKeyBytes, accountID: accountID) {
            return (secret, true)
        }
        throw SecretBoxError.cannotOpen
    }

    static func open(_ sealed: [UInt8], key: [UInt8], accountID: Int64) -> [UInt8]? {
        guard let box = try? AES.GCM.SealedBox(combined: sealed),
              let secret = try? AES.GCM.open(box, using: SymmetricKey(data: key), authenticating: context(accountID))
        else { return nil }
        return Array(secret)
    }

    static func context(_ accountID: Int64) -> [UInt8] { Array("authtoken totp \(accountID)".utf8) }

    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        default: nil
        }
    }
}

public enum SecretBoxError: Error, CustomStringConvertible {
    /// Wrong key (changed or lost `AUTHTOKEN_SECRET_KEY`) or a damaged row.
    case cannotOpen
    /// Two-factor was used on a server without `AUTHTOKEN_SECRET_KEY`.
    case noKeyConfigured

    public var description: String {
        switch self {
        case .cannotOpen:
            "a TOTP secret cannot be decrypted: AUTHTOKEN_SECRET_KEY is not the key it was stored with"
        case .noKeyConfigured:
            "two-factor sign-in needs AUTHTOKEN_SECRET_KEY (64 hex characters) in the configuration"
        }
    }
}
