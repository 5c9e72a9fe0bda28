/// The kinds of activity-log entries. The raw value is what the store keeps, so a case's
/// raw value never changes once shipped.
public enum ActivityKind: String, Sendable, CaseIterable {
    case signIn = "sign-in"
    case signInFailed = "sign-in-failed"
    case signOut = "sign-out"
    case tokenCreated = "token-created"
    case tokenRegenerated = "token-regenerated"
    case tokenRemoved = "token-removed"
    case tokenRefused = "token-refused"
    case appPasswordCreated = "app-password-created"
    case appPasswordRevoked = "app-password-revoked"
    case twoFactorOn = "two-factor-on"
    case twoFactorOff = "two-factor-off"
    case admin = "admin"
    case blocked = "blocked"
    case passwordChanged = "password-changed"
    case passwordResetRequested = "password-reset-requested"
    case sessionsEnded = "sessions-ended"
    case tokenRotated = "token-rotated"
    case tokenReused = "token-reused"
    /// The admin audit trail: written to the administrator's own account, one per act on
    /// the administrators' pages (the target's activity gets an `.admin` entry too).
    case adminAudit = "admin-audit"
    case passkeyAdded = "passkey-added"
    case passkeyRemoved = "passkey-removed"
    /// A key answered with a signature counter it had passed already (a cloned key?).
    case passkeyCounterRegression = "passkey-counter-regression"

    /// Words for the activity page and the admin CLI.
    public var label: String {
        switch self {
        case .signIn: "Signed in"
        case .signInFailed: "Sign-in failed"
        case .signOut: "Signed out"
        case .tokenCreated: "Token created"
        case .tokenRegenerated: "Token regenerated"
        case .tokenRemoved: "Token removed"
        case .tokenRefused: "Token refused (limit reached)"
        case .appPasswordCreated: "Application password created"
        case .appPasswordRevoked: "Application password revoked"
        case .twoFactorOn: "Two-factor sign-in turned on"
        case .twoFactorOff: "Two-factor sign-in turned off"
        case .admin: "Administrator action"
        case .blocked: "Blocked after too many failures"
        case .passwordChanged: "Password changed"
        case .passwordResetRequested: "Password reset link sent"
        case .sessionsEnded: "Signed out elsewhere"
        case .tokenRotated: "Token rotated"
        case .tokenReused: "Rotated-out token value used again: token revoked"
        case .adminAudit: "Acted as administrator"
        case .passkeyAdded: "Security key added"
        case .passkeyRemoved: "Security key removed"
        case .passkeyCounterRegression: "Security key refused: its counter went backwards"
        }
    }
}
