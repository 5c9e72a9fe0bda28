import AuthTokenCore

/// The view models of sign-in, registration and the password pages (`PageModel`).
struct MessageView: PageModel {
    var template: String { "message" }
    var title: String
    var text: String
    var link: String?
    var linkText: String?
}

struct SignInView: PageModel {
    var template: String { "signin" }
    var title = "Sign in"
    var next: String?
    var asking: String?
    var notice: String?
    var emailValue: String?
    var error: String?
}

struct CodeView: PageModel {
    var template: String { "signin-code" }
    var title = "Two-factor sign-in"
    var next: String?
    var error: String?
    /// The key step, when the account has a key: its challenge for `/static/passkey.js`.
    var key: KeyStep?
    /// The account has an authenticator app (else the code field takes recovery codes only).
    var totp: Bool?

    struct KeyStep {
        var challenge: String
        var rpID: String
        /// Comma-separated base64url ids of the account's keys.
        var allow: String
    }

    init(next: String?, error: String? = nil, steps: SessionService.SecondSteps? = nil) {
        self.next = next
        self.error = error
        totp = steps.map(\.totp) ?? true
        key = steps?.key.map {
            KeyStep(challenge: $0.challenge, rpID: $0.rpID, allow: $0.credentialIDs.joined(separator: ","))
        }
    }
}

struct RegisterView: PageModel {
    var template: String { "register" }
    var title = "Create an account"
    var emailValue: String?
    var nameValue: String?
    var error: String?
}

struct RegisteredView: PageModel {
    var template: String { "registered" }
    var title = "Check your e-mail"
    var emailValue: String
}

struct ConfirmView: PageModel {
    var template: String { "confirm" }
    var title = "Confirm your account"
    var token: String
    var error: String?
}

struct ForgotView: PageModel {
    var template: String { "forgot" }
    var title = "Reset your password"
    var emailValue: String?
    var error: String?
}

struct ResetView: PageModel {
    var template: String { "reset" }
    var title = "Choose a new password"
    var token: String
    var needsCode: Bool
    var error: String?
}

struct PasswordView: PageModel {
    var template: String { "password" }
    var title = "Change your password"
    /// A directory account: the page says where to change it instead of the form.
    var directory: Bool?
    var notice: String?
    var error: String?
}
