import AuthTokenCore
import Foundation

/// Two-factor pages: the code step of sign-in, and turning TOTP on and off.
///
/// The half-done sign-in lives in the store (digest only, five minutes, single use); the
/// browser holds its random id in the `authtoken_pending` cookie. Any code sent with it,
/// right or wrong, uses it up; a wrong code gets a new one and the code page again, with
/// the failure counted by the throttle, so a guesser is blocked after a few tries.
extension WebApp {
    static let pendingCookie = "authtoken_pending"

    func codeForm(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings) -> HTTPResponse {
        var values: [String: Any] = ["title": "Two-factor sign-in"]
        if let next = form["next"], LocalPath.isSafe(next) { values["next"] = next }
        return preSessionPage("signin-code", request, browser, values)
    }

    func signInWithCode(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings) -> HTTPResponse {
        var values: [String: Any] = ["title": "Sign in"]
        if let next = form["next"], LocalPath.isSafe(next) { values["next"] = next }
        guard hasPreSessionToken(request, form, browser) else {
            values["error"] = "The sign-in form had expired. Please sign in again."
            return preSessionPage("signin", request, browser, status: 403, values)
        }
        let pendingName = browser.cookieName(Self.pendingCookie)
        let clearPending = Cookies.setCookie(pendingName, "", maxAge: 0, secure: browser.secureCookies)
        do {
            let pending = Cookies.value(pendingName, in: request) ?? ""
            switch try auth.sessions.completeSignIn(pending: pending, code: form["code"] ?? "", client: request.client,
                                           deviceCookie: deviceCookie(request, browser)) {
            case .failure(.wrongCodeTryAgain(let again)):
                logger.notice("second factor refused", metadata: ["reason": "wrong code"])
                values["title"] = "Two-factor sign-in"
                values["error"] = "That code was wrong or already used. Enter the code your app shows now."
                var response = preSessionPage("signin-code", request, browser, values)  // 200, like a wrong password
                response.headers.append(Cookies.setCookie(
                    pendingName, again.value, maxAge: 300, secure: browser.secureCookies))
                return response
            case .failure(let refusal):
                logger.notice("second factor refused", metadata: ["reason": "\(refusal)"])
                let message: String = switch refusal {
                case .wrongCode, .wrongCodeTryAgain: "That code was wrong or already used. Please sign in again."
                case .expired: "The sign-in took too long. Please sign in again."
                case .blocked: Self.blockedMessage
                }
                values["error"] = message
                var response = preSessionPage("signin", request, browser, status: refusal == .blocked ? 429 : 200, values)
                response.headers.append(clearPending)
                return response
            case .success(let (secret, session)):
                if let old = Cookies.value(browser.cookieName(Self.sessionCookie), in: request) {
                    try auth.sessions.signOut(secret: old)
                }
                logger.info("signed in with two factors", metadata: ["account.id": "\(session.account.id)"])
                var response = HTTPResponse.redirect(LocalPath.target(form["next"]))
                response.headers.append(clearPending)
                response.headers.append(Cookies.setCookie(
                    browser.cookieName(Self.sessionCookie), secret.value,
                    maxAge: Int(auth.settings.sessions.absoluteTimeout), secure: browser.secureCookies))
                if let device = newDeviceCookie(accountID: session.account.id, browser) { response.headers.append(device) }
                return response
            }
        } catch {
            return failure(error, browser)
        }
    }

    /// The password was right and a code is due: remember the half-done sign-in, ask for it.
    func askForCode(_ pending: RandomSecret, next: String?, _ browser: BrowserSettings) -> HTTPResponse {
        let target = next.flatMap { LocalPath.isSafe($0) ? "/signin/code?next=" + Self.formEncode($0) : nil }
        var response = HTTPResponse.redirect(target ?? "/signin/code")
        response.headers.append(Cookies.setCookie(
            browser.cookieName(Self.pendingCookie), pending.value, maxAge: 300, secure: browser.secureCookies))
        return response
    }

    /// `/twofactor`: whether it is on, and the way to turn it on or off.
    func twoFactorPage(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn) throws -> HTTPResponse {
        guard auth.settings.secretBox != nil else { return noSecretKey(user, browser) }
        var values: [String: Any] = ["title": "Two-factor sign-in"]
        if try auth.twoFactor.hasTwoFactor(accountID: user.account.id) {
            values["enabled"] = true
            values["codesLeft"] = String(try auth.twoFactor.recoveryCodesLeft(accountID: user.account.id))
        }
        if form["done"] == "off" { values["notice"] = "Two-factor sign-in is off." }
        return page("twofactor", browser, user: user, values)
    }

    /// POST `/twofactor/setup`: a new secret, shown with its QR code until a code confirms it.
    func startTwoFactor(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn) throws -> HTTPResponse {
        guard auth.settings.secretBox != nil else { return noSecretKey(user, browser) }
        guard let setup = try auth.twoFactor.startTwoFactorSetup(account: user.account) else { return .redirect("/twofactor") }
        return setupPage(setup, user, browser, error: nil)
    }

    /// POST `/twofactor/confirm`: the password and a current code turn it on and end the
    /// account's other sessions; the recovery codes are shown once. When the set-up was
    /// started again meanwhile (another window, or another session), nothing is turned on
    /// and the newer secret is not shown here: the person starts again.
    func confirmTwoFactor(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn) throws -> HTTPResponse {
        guard auth.settings.secretBox != nil else { return noSecretKey(user, browser) }
        let seen = form["setup"]  // the set-up this page showed (a form without it: whichever is pending)
        let result = try auth.twoFactor.confirmTwoFactorSetup(
            account: user.account, keepSession: user.session.digest, setupID: seen,
            password: form["password"] ?? "", code: form["code"] ?? "", client: user.client)
        if case .success(let codes) = result {
            logger.info("two-factor turned on", metadata: ["account.id": "\(user.account.id)"])
            try auth.activity.record(
                .twoFactorOn, accountID: user.account.id, client: user.client, detail: "other sessions ended")
            return page("twofactor-codes", browser, user: user, [
                "title": "Recovery codes", "codes": codes.map { ["code": $0] },
            ])
        }
        guard let setup = try auth.twoFactor.pendingTwoFactorSetup(account: user.account) else { return .redirect("/twofactor") }
        if result == .failure(.expired) || (seen != nil && seen != setup.id) {
            logger.notice("two-factor confirmation refused: the set-up changed",
                          metadata: ["account.id": "\(user.account.id)"])
            return page("twofactor", browser, user: user, status: 409, [
                "title": "Two-factor sign-in",
                "error": "The set-up was started again elsewhere (another window or session) before you "
                    + "confirmed it, so nothing was turned on. If that was not you, change your password. "
                    + "Then set it up again.",
            ])
        }
        logger.notice("two-factor confirmation refused", metadata: ["account.id": "\(user.account.id)"])
        return setupPage(setup, user, browser, error: result == .failure(.blocked)
            ? Self.blockedMessage : "The password or the code was wrong. Enter your password and the code the app shows now.")
    }

    /// POST `/twofactor/disable`: the password and a current (or recovery) code.
    func disableTwoFactor(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn) throws -> HTTPResponse {
        guard auth.settings.secretBox != nil else { return noSecretKey(user, browser) }
        let result = try auth.twoFactor.disableTwoFactor(
            account: user.account, password: form["password"] ?? "", code: form["code"] ?? "", client: user.client)
        if case .failure(let refusal) = result {
            logger.notice("two-factor turn-off refused", metadata: ["account.id": "\(user.account.id)"])
            return page("twofactor", browser, user: user, status: refusal == .blocked ? 429 : 400, [
                "title": "Two-factor sign-in", "enabled": true,
                "codesLeft": String(try auth.twoFactor.recoveryCodesLeft(accountID: user.account.id)),
                "error": refusal == .blocked
                    ? Self.blockedMessage : "The password or the code was wrong. Two-factor sign-in is still on.",
            ])
        }
        logger.info("two-factor turned off", metadata: ["account.id": "\(user.account.id)"])
        try auth.activity.record(.twoFactorOff, accountID: user.account.id, client: user.client)
        return .redirect("/twofactor?done=off")
    }

    func setupPage(_ setup: TwoFactorSetup, _ user: SignedIn, _ browser: BrowserSettings, error: String?) -> HTTPResponse {
        var values: [String: Any] = [
            "title": "Turn on two-factor sign-in", "secret": setup.secret,
            "groupedSecret": RandomCode.grouped(setup.secret), "uri": setup.uri, "setup": setup.id,
        ]
        if let qr = QRCode(setup.uri) { values["qr"] = qr.templateValues }
        if let error { values["error"] = error }
        return page("twofactor-setup", browser, user: user, status: error == nil ? 200 : 400, values)
    }

    /// Two-factor used on a server without `AUTHTOKEN_SECRET_KEY`: said plainly, and logged.
    func noSecretKey(_ user: SignedIn, _ browser: BrowserSettings) -> HTTPResponse {
        logger.error("two-factor is unavailable: AUTHTOKEN_SECRET_KEY is not configured")
        return page("message", browser, user: user, status: 503, [
            "title": "Two-factor sign-in is unavailable",
            "text": "This server has no AUTHTOKEN_SECRET_KEY configured, so it cannot store two-factor secrets. "
                + "Ask an administrator.",
        ])
    }
}
