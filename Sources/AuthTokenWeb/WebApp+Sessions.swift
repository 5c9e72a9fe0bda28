import AuthTokenCore
import Foundation

/// Sessions on the web side: the cookie, the form token, and rendering pages for a person.
extension WebApp {
    static let sessionCookie = "authtoken_session"
    static let preSessionCookie = "authtoken_presession"
    /// OWASP's device cookie (`DeviceCookie`): set on every successful sign-in, kept a year.
    static let deviceCookie = "authtoken_device"
    static let deviceCookieLifetime = 365 * 24 * 3600

    func deviceCookie(_ request: HTTPRequest, _ browser: BrowserSettings) -> String? {
        Cookies.value(browser.cookieName(Self.deviceCookie), in: request)
    }

    /// The header that gives this browser a device cookie for the account, if the server
    /// has a secret key to sign one with.
    func newDeviceCookie(accountID: Int64, _ browser: BrowserSettings) -> (String, String)? {
        auth.deviceCookies.map {
            Cookies.setCookie(browser.cookieName(Self.deviceCookie), $0.make(accountID: accountID),
                              maxAge: Self.deviceCookieLifetime, secure: browser.secureCookies)
        }
    }

    /// The live session this request's cookie names, if any.
    func signedIn(_ request: HTTPRequest, _ browser: BrowserSettings) throws -> SignedIn? {
        guard let secret = Cookies.value(browser.cookieName(Self.sessionCookie), in: request),
              let session = try auth.sessions.session(secret: secret)
        else { return nil }
        return SignedIn(secret: secret, session: session, client: request.client)
    }

    /// Runs `body` for a signed-in person. Others are sent to sign-in, and come back to
    /// this page afterwards when it was a GET. A POST without this session's form token
    /// gets 403 before `body` can change anything; what `body` throws becomes one answer
    /// (`failure`). The dispatcher runs every `.signedIn` route through it; the one other
    /// caller is browser mode, an API-mode path that becomes a signed-in page.
    func withSession(
        _ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings,
        next: String? = nil, _ body: (SignedIn) throws -> HTTPResponse
    ) -> HTTPResponse {
        do {
            guard let user = try signedIn(request, browser) else {
                let back = next ?? (request.method == "GET" ? request.pathAndQuery : nil)
                return .redirect(back.map { "/signin?next=" + Self.formEncode($0) } ?? "/signin")
            }
            if request.method == "POST"
                && !FormToken.isValid(form["csrf"], secret: user.secret, purpose: FormToken.sessionPurpose)
            {
                logger.notice("form refused: missing or wrong form token", metadata: ["path": "\(request.path)"])
                return page("message", browser, user: user, status: 403, [
                    "title": "Form expired",
                    "text": "This form was not sent from a current page of this site, so nothing was changed. "
                        + "Go back, reload the page and try again.",
                ])
            }
            return try body(user)
        } catch {
            return failure(error, browser)
        }
    }

    /// Renders `name` in the layout, with what every page needs to know about its viewer.
    func page(
        _ name: String, _ browser: BrowserSettings, user: SignedIn?, status: Int = 200, _ values: [String: Any] = [:]
    ) -> HTTPResponse {
        var context = values
        context["signedIn"] = user != nil
        context["registration"] = browser.registration
        if let user {
            context["email"] = user.account.email
            context["csrf"] = user.formToken
            context["isAdmin"] = user.account.admin
        }
        return .html(status, browser.pages.render(name, context))
    }

    /// A store failure: logged with its cause, shown as a plain apology.
    /// Every error a page handler throws ends here, mapped to one answer: a full password
    /// queue is 503 with `Retry-After` (nothing went wrong; try again shortly), anything
    /// else a logged 500.
    func failure(_ error: any Error, _ browser: BrowserSettings) -> HTTPResponse {
        if error is PasswordWorkBusy {
            logger.notice("password work refused: the queue is full")
            return page("message", browser, user: nil, status: 503, [
                "title": "Too busy right now",
                "text": "The server is checking many passwords at the moment. Nothing was changed; "
                    + "please try again in a few seconds.",
            ]).adding("Retry-After", String(Self.busyRetrySeconds))
        }
        logger.error("browser request failed", metadata: ["error": "\(error)"])
        Self.storeErrors.increment()
        return page("message", browser, user: nil, status: 500, [
            "title": "Something went wrong",
            "text": "The server could not finish this request. Please try again in a moment.",
        ])
    }

    /// What `Retry-After` says when the password queue is full.
    static let busyRetrySeconds = 5

    /// `application/x-www-form-urlencoded` for one value.
    static func formEncode(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._*")
        return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
    }
}

extension HTTPRequest {
    /// The path with its query, as the browser asked for it.
    var pathAndQuery: String { query.isEmpty ? path : path + "?" + query }
}
