import AuthTokenCore
import Logging

/// Sign-in (the password step; the code step is in `SignInPages+Code.swift`), sign-out and
/// the home page. The forms are pre-session forms (`PageRenderer`): a forged cross-site
/// POST has no pre-session cookie to match (login CSRF).
struct SignInPages {
    let sessions: SessionService
    let activity: ActivityService
    let deviceCookies: DeviceCookie?
    /// How long a session cookie lives (the session's absolute timeout).
    let sessionLifetime: Int
    let view: PageRenderer
    let logger: Logger

    init(_ kit: PageKit) {
        sessions = kit.auth.sessions
        activity = kit.auth.activity
        deviceCookies = kit.auth.deviceCookies
        sessionLifetime = Int(kit.auth.settings.sessions.absoluteTimeout)
        view = kit.view
        logger = kit.logger
    }

    var browser: BrowserSettings { view.browser }

    /// `/`: the token list for a signed-in person, the sign-in form for anyone else.
    func home(_ request: HTTPRequest, _ form: FormData) throws -> HTTPResponse {
        .redirect(try SignedIn.current(request, browser, sessions: sessions) != nil ? "/tokens" : "/signin")
    }

    func form(_ request: HTTPRequest, _ form: FormData) throws -> HTTPResponse {
        if try SignedIn.current(request, browser, sessions: sessions) != nil { return .redirect(LocalPath.target(form["next"])) }
        var page = Self.view(next: form["next"])
        if form["signedout"] != nil { page.notice = "You are signed out." }
        if form["confirmed"] != nil { page.notice = "Your account is confirmed. You can sign in now." }
        if form["reset"] != nil { page.notice = "Your password was changed. Sign in with the new one." }
        return view.preSessionPage(page, request)
    }

    func signIn(_ request: HTTPRequest, _ form: FormData) throws -> HTTPResponse {
        var page = Self.view(next: form["next"])
        page.emailValue = form["email"] ?? ""
        guard view.hasPreSessionToken(request, form) else {
            page.error = "The sign-in form had expired. Please sign in again."
            return view.preSessionPage(page, request, status: 403)
        }
        switch try sessions.signIn(email: form["email"] ?? "", password: form["password"] ?? "", client: request.client,
                                   deviceCookie: browser.cookie(.device, in: request)) {
        case .failure(.secondFactorNeeded(let pending)):
            return askForCode(pending, next: form["next"])
        case .failure(let refusal):
            page.error = RefusalText.signIn(refusal)
            logger.info("sign-in refused", metadata: ["reason": "\(refusal)"])
            return view.preSessionPage(page, request, status: refusal == .blocked ? 429 : 200)
        case .success(let (secret, session)):
            logger.info("signed in", metadata: ["account.id": "\(session.account.id)"])
            return try signedIn(request, form, secret, session, clearPending: false)
        }
    }

    /// A sign-in that succeeded (the password step, or the code step with `clearPending`): the
    /// session cookie (and a device cookie), then `next`. A session the browser already had
    /// is ended: one person, one session here.
    func signedIn(
        _ request: HTTPRequest, _ form: FormData, _ secret: RandomSecret, _ session: WebSession, clearPending: Bool
    ) throws -> HTTPResponse {
        if let old = browser.cookie(.session, in: request) {
            try sessions.signOut(secret: old)
        }
        var response = HTTPResponse.redirect(LocalPath.target(form["next"]))
        if clearPending {
            response.headers.append(browser.setCookie(.pending, "", maxAge: 0))
        }
        response.headers.append(browser.setCookie(.session, secret.value, maxAge: sessionLifetime))
        if let device = deviceCookies.map({ $0.make(accountID: session.account.id) }) {
            response.headers.append(browser.setCookie(.device, device, maxAge: BrowserCookie.deviceLifetime))
        }
        return response
    }

    func signOut(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        try sessions.signOut(secret: user.secret)
        try activity.record(.signOut, accountID: user.account.id, client: user.client)
        logger.info("signed out", metadata: ["account.id": "\(user.account.id)"])
        var response = HTTPResponse.redirect("/signin?signedout=1")
        response.headers.append(browser.setCookie(.session, "", maxAge: 0))
        return response
    }

    /// The sign-in form, with a safe `next` and what it asks for.
    static func view(next: String?) -> SignInView {
        guard let next, LocalPath.isSafe(next) else { return SignInView() }
        return SignInView(next: next, asking: askingFor(next))
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
}
