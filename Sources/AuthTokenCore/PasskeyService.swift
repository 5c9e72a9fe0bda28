import AuthTokenStore
import Crypto
import Foundation
import WebAuthn

/// Passkeys as a second factor: where they work (the relying party, from
/// `AUTHTOKEN_PUBLIC_URL`) and how many one account may hold.
public struct PasskeySettings: Sendable {
    public var relyingParty: RelyingParty
    public var maxPerAccount: Int

    public init(relyingParty: RelyingParty, maxPerAccount: Int = 10) {
        self.relyingParty = relyingParty
        self.maxPerAccount = maxPerAccount
    }

    /// The relying party `AUTHTOKEN_PUBLIC_URL` names (its host is the RP ID, its
    /// `scheme://host[:port]` the one origin accepted); nil for a URL without a host.
    public init?(publicURL: String, maxPerAccount: Int = 10) {
        guard let relyingParty = RelyingParty(publicURL: publicURL) else { return nil }
        self.init(relyingParty: relyingParty, maxPerAccount: maxPerAccount)
    }
}

/// What the browser needs to start a ceremony (`navigator.credentials.create` or `.get`).
public struct PasskeyChallenge: Sendable, Equatable {
    /// base64url, single use, valid for `PasskeyService.challengeLifetime`.
    public let challenge: String
    public let rpID: String
    /// base64url of `PasskeyService.userHandle(accountID:)`.
    public let userHandle: String
    /// base64url credential ids: the account's keys (to exclude on registration, to allow on sign-in).
    public let credentialIDs: [String]
}

/// Why a passkey was not registered or did not sign someone in. The message names no secret.
public enum PasskeyRefusal: Error, Equatable, CustomStringConvertible {
    case unavailable, invalidName, limitReached(Int), alreadyRegistered, unknownKey, blocked, wrongPassword
    case verification(WebAuthnError)

    public var description: String {
        switch self {
        case .unavailable: "security keys need AUTHTOKEN_PUBLIC_URL and AUTHTOKEN_SECRET_KEY to be set"
        case .invalidName: "the name must have 1 to 100 characters and no control characters"
        case .limitReached(let limit): "an account may hold at most \(limit) security keys"
        case .alreadyRegistered: "this security key is registered already"
        case .unknownKey: "this security key is not registered for this account"
        case .blocked: "too many failed attempts: try again later"
        case .wrongPassword: "your current password was wrong"
        case .verification(let error): error.description
        }
    }
}

extension PasskeyService {
    public static let challengeLifetime: TimeInterval = 300
    static let registerPurpose = "register", signInPurpose = "sign-in"

    /// The WebAuthn user handle: the account id in 8 bytes, no personal data.
    public static func userHandle(accountID: Int64) -> [UInt8] {
        withUnsafeBytes(of: accountID.bigEndian) { Array($0) }
    }

    func requireSettings() throws(PasskeyRefusal) -> PasskeySettings {
        guard let passkeys = settings.passkeys, settings.secretBox != nil else { throw .unavailable }
        return passkeys
    }

    /// A fresh single-use challenge for `purpose`, stored by its digest.
    func challenge(accountID: Int64, purpose: String) throws -> PasskeyChallenge {
        let passkeys = try requireSettings()
        let value = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        try store.storePasskeyChallenge(
            digest: Self.digest(value), accountID: accountID, purpose: purpose, expiresAt: now() + Self.challengeLifetime)
        return PasskeyChallenge(
            challenge: Base64URL.encode(value), rpID: passkeys.relyingParty.id,
            userHandle: Base64URL.encode(Self.userHandle(accountID: accountID)),
            credentialIDs: try store.passkeys(accountID: accountID).map { Base64URL.encode($0.credentialID) })
    }

    /// The challenge the client data names, taken (used up) from the store: nil when it is
    /// not one this account was given for `purpose`, or has expired.
    func takeChallenge(_ clientDataJSON: [UInt8], accountID: Int64, purpose: String) throws -> [UInt8]? {
        guard let value = RelyingParty.challenge(in: clientDataJSON),
              try store.takePasskeyChallenge(digest: Self.digest(value), accountID: accountID, purpose: purpose, now: now())
        else { return nil }
        return value
    }

    /// The name as stored (trimmed), or nil when the name rule refuses it.
    public static func validName(_ raw: String) -> String? {
        let name = raw.trimmingSpaces()
        return !name.isEmpty && NameRule.allows(name) ? name : nil
    }

    /// base64url as the pages carry the browser's answer; nil when it is not.
    public static func decode(_ base64url: String) -> [UInt8]? {
        Base64URL.decode(base64url)
    }

    /// Stored by digest, like every other single-use value.
    static func digest(_ challenge: [UInt8]) -> String {
        TokenSecret.digest(of: Base64URL.encode(challenge))
    }
}
