import AuthTokenStore
import Foundation

/// A valid browser session: whose it is and when it started.
public struct WebSession: Sendable, Equatable {
    public let account: Account
    public let createdAt: Date
    /// The store's name for this session (the digest of its id): "this one" on the
    /// sessions page, kept when the password changes.
    public let digest: String
    /// The sign-in that opened it took a two-factor code.
    public var secondFactor: Bool = false
}

/// Why a sign-in failed. Wrong password and unknown e-mail are one case on purpose: the
/// page must not tell which addresses have accounts.
public enum SignInRefusal: Error, Equatable, Sendable {
    case missingCredentials
    /// Not an e-mail address (`EmailAddress`): said at once, since it tells nothing about
    /// which accounts exist.
    case invalidEmail(EmailAddress.Refusal)
    case wrongCredentials
    case notActive
    case notConfirmed
    /// Too many recent failures from this address or for this account; nothing was checked.
    case blocked
    /// Not a refusal of the password: it was right, but the account has two-factor on, so
    /// the session waits for a code. `pending` names the half-done sign-in (store: digest).
    case secondFactorNeeded(pending: RandomSecret)
}
