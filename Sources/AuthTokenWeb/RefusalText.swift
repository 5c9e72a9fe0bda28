import AuthTokenCore

/// What the pages say when the core refuses a password, a code or a sign-in: the same words
/// on every page that asks for one.
enum RefusalText {
    /// Said for every blocked sign-in, whichever of address or account is blocked.
    static let blocked = "Too many failed sign-in attempts. Sign-in is blocked for a while; "
        + "try again later, or ask an administrator to unblock your account."

    static func signIn(_ refusal: SignInRefusal) -> String {
        switch refusal {
        case .missingCredentials: "Enter your e-mail address and password."
        case .invalidEmail(let reason): "That is not an e-mail address: \(reason)."
        case .wrongCredentials: "The e-mail address or the password is wrong."
        case .notActive: "This account is deactivated. Ask an administrator to activate it again."
        case .notConfirmed: "This account is not confirmed yet. Open the link in the confirmation e-mail first."
        case .secondFactorNeeded: "Enter the code from your authenticator app."
        case .blocked: blocked
        }
    }

    static func password(_ refusal: PasswordRefusal) -> String {
        switch refusal {
        case .wrongPassword: "Your current password was wrong."
        case .expired: "This reset link does not work: it is wrong, was used already, or is older than an hour. Ask for a new one."
        case .wrongCode: "The two-factor code was wrong. Enter the code your app shows now, or a recovery code."
        case .blocked: blocked
        case .rejected(let rule): "That password cannot be used: \(rule)."
        }
    }
}
