import AuthTokenCore

/// Sign-in and sign-out.
///
/// Before sign-in there is no session to tie a form token to, so the sign-in, registration
/// and confirmation forms use a pre-session cookie: a random id set with the form, and the
/// form's token is its HMAC. A forged cross-site POST has neither (login CSRF). The
/// pre-session cookie outlives sign-in: it grants nothing, and a second open sign-in tab
/// keeps working.
extension WebApp {
    /// The browser's pre-session id, or a new one with the header that sets it.
    func preSession(_ request: HTTPRequest, _ browser: BrowserSettings) -> (secret: String, header: (String, String)?) {
        let name = browser.cookieName(Self.preSessionCookie)
        if let value = Cookies.value(name, in: request), RandomSecret.isWellFormed(value) {
            return (value, nil)
        }
        let fresh = RandomSecret.generate().value
        return (fresh, Cookies.setCookie(name, fresh, maxAge: nil, secure: browser.secureCookies))
    }

    /// True when the form carries the token of the browser's pre-session cookie.
    func hasPreSessionToken(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings) -> Bool {
        guard let value = Cookies.value(browser.cookieName(Self.preSessionCookie), in: request),
              RandomSecret.isWellFormed(value)
        else { return false }
        return FormToken.isValid(form["csrf"], secret: value, purpose: FormToken.signInPurpose)
    }

    /// A page with a pre-session form (sign-in, registration, confirmation).
    func preSessionPage(
        _ name: String, _ request: HTTPRequest, _ browser: BrowserSettings, status: Int = 200,
        _ values: [String: Any]
    ) -> HTTPResponse {
        let pre = preSession(request, browser)
        var values = values
        values["formToken"] = FormToken.make(secret: pre.secret, purpose: FormToken.signInPurpose)
        var response = page(name, browser, user: nil, status: status, values)
        if let header = pre.header { response.headers.append(header) }
        return response
    }

    func signInForm(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings) -> HTTPResponse {
        do {
            if try signedIn(request, browser) != nil { return .redirect(LocalPath.target(form["next"])) }
        } catch {
            return failure(error, browser)
        }
        var values: [String: Any] = ["title": "Sign in"]
        if let next = form["next"], LocalPath.isSafe(next) {
            values["next"] = next
            values["asking"] = Self.askingFor(next)
        }
        if form["signedout"] != nil { values["notice"] = "You are signed out." }
        if form["confirmed"] != nil { values["notice"] = "Your account is confirmed. You can sign in now." }
        if form["reset"] != nil { values["notice"] = "Your password was changed. Sign in with the new one." }
        return preSessionPage("signin", request, browser, values)
    }

    func signIn(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings) -> HTTPResponse {
        var values: [String: Any] = ["title": "Sign in", "emailValue": form["email"] ?? ""]
        if let next = form["next"], LocalPath.isSafe(next) {
            values["next"] = next
            values["asking"] = Self.askingFor(next)
        }
        guard hasPreSessionToken(request, form, browser) else {
            values["error"] = "The sign-in form had expired. Please sign in again."
            return preSessionPage("signin", request, browser, status: 403, values)
        }
        do {
            switch try auth.sessions.signIn(email: form["email"] ?? "", password: form["password"] ?? "", client: request.client,
                                   deviceCookie: deviceCookie(request, browser)) {
            case .failure(.secondFactorNeeded(let pending)):
                return askForCode(pending, next: form["next"], browser)
            case .failure(let refusal):
                values["error"] = Self.message(refusal)
                logger.info("sign-in refused", metadata: ["reason": "\(refusal)"])
                return preSessionPage("signin", request, browser, status: refusal == .blocked ? 429 : 200, values)
            case .success(let (secret, session)):
                // A session the browser already had is ended: one person, one session here.
                if let old = Cookies.value(browser.cookieName(Self.sessionCookie), in: request) {
                    try auth.sessions.signOut(secret: old)
                }
                logger.info("signed in", metadata: ["account.id": "\(session.account.id)"])
                var response = HTTPResponse.redirect(LocalPath.target(form["next"]))
                let lifetime = Int(auth.settings.sessions.absoluteTimeout)
                response.headers.append(Cookies.setCookie(
                    browser.cookieName(Self.sessionCookie), secret.value, maxAge: lifetime, secure: browser.secureCookies))
                if let device = newDeviceCookie(accountID: session.account.id, browser) { response.headers.append(device) }
                return response
            }
        } catch {
            return failure(error, browser)
        }
    }

    func signOut(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn) throws -> HTTPResponse {
        try auth.sessions.signOut(secret: user.secret)
        try auth.activity.record(.signOut, accountID: user.account.id, client: user.client)
        logger.info("signed out", metadata: ["account.id": "\(user.account.id)"])
        var response = HTTPResponse.redirect("/signin?signedout=1")
        response.headers.append(Cookies.setCookie(
            browser.cookieName(Self.sessionCookie), "", maxAge: 0, secure: browser.secureCookies))
        return response
    }

    /// What a browser-mode link that led here asks for ("a token for ZohoCRM/crmapi, for
    /// the application “Invoices”"), so the person knows what signing in will lead to.
    static func askingFor(_ next: String) -> String? {
        let parts = next.split(separator: "?", maxSplits: 1)
        guard parts.count == 2, parts[0] == "/apiauthtoken/create" || parts[0] == "/apiauthtoken/nb/create",
              let query = try? FormData(parsing: String(parts[1])), let scope = query["SCOPE"], !scope.isEmpty
        else { return nil }
        let application = query["DISPLAY_NAME"].map { $0.isEmpty ? "" : ", for the application “\($0.prefix(100))”" } ?? ""
        return "Sign in to create an auth token with the scope \(scope.prefix(200))\(application)."
    }

    /// Said for every blocked sign-in, whichever of address or account is blocked.
    static let blockedMessage = "Too many failed sign-in attempts. Sign-in is blocked for a while; "
        + "try again later, or ask an administrator to unblock your account."

    static func message(_ refusal: SignInRefusal) -> String {
        switch refusal {
        case .missingCredentials: "Enter your e-mail address and password."
        case .invalidEmail(let reason): "That is not an e-mail address: \(reason)."
        case .wrongCredentials: "The e-mail address or the password is wrong."
        case .notActive: "This account is deactivated. Ask an administrator to activate it again."
        case .notConfirmed: "This account is not confirmed yet. Open the link in the confirmation e-mail first."
        case .secondFactorNeeded: "Enter the code from your authenticator app."
        case .blocked: blockedMessage
        }
    }
}
