import AuthTokenCore

/// The `CAUSE=` values of the legacy answer. The first ten were seen in the legacy
/// service's documentation or its clients; `INVALID_SCOPE`, `INVALID_DISPLAY_NAME`,
/// `INVALID_AUTHTOKEN` and `INVALID_EXPIRY` are ours, named in the same style (see docs/api.md).
public enum LegacyCause: String, Sendable, CaseIterable {
    case noSuchUser = "NO_SUCH_USER"
    case invalidPassword = "INVALID_PASSWORD"
    case invalidCredentials = "INVALID_CREDENTIALS"
    case notConfirmed = "ACCOUNT_REGISTRATION_NOT_CONFIRMED"
    case notActive = "USER_NOT_ACTIVE"
    case webLoginRequired = "WEB_LOGIN_REQUIRED"
    case tooManyTokens = "EXCEEDED_MAXIMUM_ALLOWED_AUTHTOKENS"
    case ipNotAllowed = "IP_NOT_ALLOWED"
    case blocked = "API_REQUEST_BLOCKED"
    case serverError = "REMOTE_SERVER_ERROR"
    case invalidScope = "INVALID_SCOPE"
    case invalidDisplayName = "INVALID_DISPLAY_NAME"
    case invalidAuthtoken = "INVALID_AUTHTOKEN"
    case invalidExpiry = "INVALID_EXPIRY"

    public init(_ refusal: TokenRefusal) {
        switch refusal {
        case .missingCredentials: self = .invalidCredentials
        case .invalidScope: self = .invalidScope
        case .invalidDisplayName: self = .invalidDisplayName
        case .invalidExpiry: self = .invalidExpiry
        case .noSuchUser: self = .noSuchUser
        case .invalidPassword: self = .invalidPassword
        case .notConfirmed: self = .notConfirmed
        case .notActive: self = .notActive
        case .tooManyTokens: self = .tooManyTokens
        case .webLoginRequired: self = .webLoginRequired
        case .blocked: self = .blocked
        }
    }
}
