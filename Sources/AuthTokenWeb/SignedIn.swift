import AuthTokenCore
import AuthTokenStore

/// The person behind a request with a live session cookie.
struct SignedIn {
    /// The cookie's value (the session id); never logged, never rendered.
    let secret: String
    let session: WebSession
    /// Where the request came from, for the activity log.
    let client: Client
    var account: Account { session.account }
    /// The form token every state-changing form of this session carries.
    var formToken: String { FormToken.make(secret: secret, purpose: FormToken.sessionPurpose) }
}

extension SignedIn {
    /// The live session this request's cookie names, if any.
    static func current(_ request: HTTPRequest, _ browser: BrowserSettings, sessions: SessionService) throws -> SignedIn? {
        guard let secret = browser.cookie(.session, in: request), let session = try sessions.session(secret: secret)
        else { return nil }
        return SignedIn(secret: secret, session: session, client: request.client)
    }
}
