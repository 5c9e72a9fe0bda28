import AuthTokenCore
import Foundation

/// The session gate in front of every signed-in page: the session cookie, then a POST's
/// form token. No handler looks at either itself.
extension WebApp {
    /// The live session this request's cookie names, if any.
    func signedIn(_ request: HTTPRequest, _ browser: BrowserSettings) throws -> SignedIn? {
        try SignedIn.current(request, browser, sessions: auth.sessions)
    }

    /// Runs `body` for a signed-in person. Others are sent to sign-in, and come back to
    /// this page afterwards when it was a GET. A POST without this session's form token
    /// gets 403 before `body` can change anything; what `body` throws becomes one answer
    /// (`failure`). The dispatcher runs every `.signedIn` route and browser mode through it.
    func sessionGate(
        _ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings,
        next: String? = nil, _ body: (SignedIn) throws -> HTTPResponse
    ) -> HTTPResponse {
        var user: SignedIn?
        do {
            user = try signedIn(request, browser)
            guard let user else {
                let back = next ?? (request.method == "GET" ? request.pathAndQuery : nil)
                return .redirect(back.map { "/signin?next=" + FormData.encode($0) } ?? "/signin")
            }
            if request.method == "POST"
                && !FormToken.isValid(form["csrf"], secret: user.secret, purpose: FormToken.sessionPurpose)
            {
                logger.notice("form refused: missing or wrong form token", metadata: ["path": "\(request.path)"])
                throw PageRefusal.formExpired
            }
            return try body(user)
        } catch {
            return failure(error, browser, user: user)
        }
    }
}

extension HTTPRequest {
    /// The path with its query, as the browser asked for it.
    var pathAndQuery: String { query.isEmpty ? path : path + "?" + query }
}
