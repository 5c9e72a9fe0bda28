import Crypto

/// A new TOTP secret on its way to the person's authenticator app.
public struct TwoFactorSetup: Sendable, Equatable {
    /// Base32, as apps take it when typed in.
    public let secret: String
    /// `otpauth://totp/...`: what the QR code holds.
    public let uri: String
    /// Names this secret on the confirmation form (part of a SHA-256 of it; the secret is on
    /// the same page anyway), so a confirmation is refused when the set-up was started
    /// again meanwhile, instead of being checked against, or showing, the newer secret.
    public var id: String { Self.id(of: secret) }

    static func id(of secret: String) -> String {
        String(Hex.encode(SHA256.hash(data: Array("authtoken two-factor set-up \(secret)".utf8))).prefix(32))
    }
}

/// Why the second step of a sign-in did not start a session.
public enum SecondFactorRefusal: Error, Equatable, Sendable {
    /// The half-done sign-in is unknown, used or expired: start again with the password.
    case expired
    /// Wrong, replayed or already used code. The half-done sign-in is used up too.
    case wrongCode
    /// Sign-in only: a wrong code, and a new half-done sign-in to try again with (the old
    /// one is used up; each wrong code counts against the throttle, so retries end in a block).
    case wrongCodeTryAgain(pending: RandomSecret)
    /// Too many recent failures from this address or for this account.
    case blocked
}
