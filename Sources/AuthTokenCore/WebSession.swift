import AuthTokenStore
import Foundation

/// A valid browser session: whose it is and when it started.
public struct WebSession: Sendable, Equatable {
    public let account: Account
    public let createdAt: Date
}

/// Why a sign-in failed. Wrong password and unknown e-mail are one case on purpose: the
/// page must not tell which addresses have accounts.
public enum SignInRefusal: Error, Equatable, Sendable {
    case missingCredentials
    case wrongCredentials
    case notActive
    case notConfirmed
}
