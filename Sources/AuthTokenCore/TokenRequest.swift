import Foundation

/// An API-mode request for a token, as the client sent it (values may be missing).
public struct TokenRequest: Sendable {
    public var email: String?
    public var password: String?
    public var scope: String?
    public var displayName: String?
    /// `EXPIRES_IN_DAYS` as sent (absent: what the policy gives a legacy request).
    public var expiresInDays: String?

    public init(email: String?, password: String?, scope: String?, displayName: String?, expiresInDays: String? = nil) {
        self.expiresInDays = expiresInDays
        self.email = email
        self.password = password
        self.scope = scope
        self.displayName = displayName
    }
}

/// Why a token was not issued. The web layer maps each case to a legacy `CAUSE`.
public enum TokenRefusal: Error, Equatable, Sendable {
    case missingCredentials
    case invalidScope
    case invalidDisplayName
    /// `EXPIRES_IN_DAYS` is not a whole number of days from 1 to 36500.
    case invalidExpiry
    case noSuchUser
    case invalidPassword
    case notConfirmed
    case notActive
    case tooManyTokens
    /// Two-factor account, main password: an application-specific password is needed.
    case webLoginRequired
    /// Too many recent failures from this address or for this account (`API_REQUEST_BLOCKED`).
    case blocked
}

/// A token that was just issued: the secret (shown once) and what was stored.
public struct IssuedToken: Sendable {
    public let secret: TokenSecret
    public let record: TokenRecordSummary
}

/// The non-secret facts of a stored token.
public struct TokenRecordSummary: Sendable, Equatable {
    public let id: Int64
    public let hint: String
    public let scopes: [String]
    public let displayName: String
    /// Nil: permanent.
    public let expiresAt: Date?
}
