/// Who may call a route. The table says it once and the dispatcher (`WebApp.dispatch`)
/// enforces it: `.admin` gets 404 for everyone else, before the method or the form is looked
/// at; a `.signedIn` route's handlers run only for a live session, with a POST's form token
/// checked first, and other visitors are sent to sign in.
public enum RouteAccess: String, Sendable, CaseIterable {
    /// Anyone: sign-in, registration, API mode.
    case `public` = "public"
    /// A person with a live session.
    case signedIn = "signed in"
    /// An administrator signed in with two-factor; 404 for anyone else.
    case admin = "admin"
    /// Only nginx subrequests (the token check); never a browser.
    case `internal` = "internal"
}

/// One path the server answers, with what each method does there.
public struct Route: Sendable {
    /// What a route runs: API mode needs no pages; a page needs the browser settings (a
    /// server without them answers 404 on every page path).
    enum Handler: Sendable {
        /// API mode: the legacy four-line answer. What it throws becomes one answer in
        /// `WebApp.failure` (`CAUSE=REMOTE_SERVER_ERROR`, or `API_REQUEST_BLOCKED` for a full
        /// password queue).
        case legacy(@Sendable (APIMode, HTTPRequest, FormData) throws -> LegacyAnswer)
        /// API mode's create: a request without credentials on a server with pages is browser
        /// mode instead, a signed-in page (`BrowserMode`) behind the session gate.
        case legacyOrBrowserMode(@Sendable (APIMode, HTTPRequest, FormData) throws -> LegacyAnswer)
        /// A JSON answer (`/apiauthtoken/self`); what it throws becomes a JSON 500.
        case json(@Sendable (APIMode, HTTPRequest, FormData) throws -> HTTPResponse)
        /// A page anyone may see; what it throws becomes one page (`WebApp.failure`).
        case page(@Sendable (PageKit, HTTPRequest, FormData) throws -> HTTPResponse)
        /// A signed-in person's page: runs only for a live session, after the form token of
        /// a POST was checked (`WebApp.sessionGate`); what it throws becomes one answer
        /// (`WebApp.failure`). Others are sent to sign in.
        case signedIn(@Sendable (PageKit, HTTPRequest, FormData, SignedIn) throws -> HTTPResponse)
        /// Takes the request as it is, every method (the token check reads no form).
        case raw(@Sendable (WebApp, HTTPRequest) -> HTTPResponse)
        /// An administrator's page: runs only for an administrator signed in with two-factor,
        /// after the form token of a POST was checked (see `WebApp.adminRoute`).
        case admin(@Sendable (PageKit, HTTPRequest, FormData, SignedIn) throws -> HTTPResponse)
    }

    public let path: String
    public let access: RouteAccess
    /// The `route` label its requests are counted under (`authtoken_requests_total`).
    public let metric: String
    let handlers: [(method: String, handler: Handler)]
    /// False on a server where this page is switched off (registration): 404.
    let isAvailable: @Sendable (BrowserSettings) -> Bool

    init(_ path: String, _ access: RouteAccess, metric: String = "page", _ handlers: [(method: String, handler: Handler)],
         isAvailable: @escaping @Sendable (BrowserSettings) -> Bool = { _ in true })
    {
        self.path = path
        self.access = access
        self.metric = metric
        self.handlers = handlers
        self.isAvailable = isAvailable
    }

    /// The methods it takes, in table order; empty for a route that takes every method.
    public var methods: [String] {
        handlers.compactMap { if case .raw = $0.handler { nil } else { $0.method } }
    }

    /// True for a page (rendered with the templates, behind an nginx page location).
    public var isPage: Bool {
        handlers.contains {
            switch $0.handler {
            case .page, .signedIn, .admin: true
            case .legacy, .legacyOrBrowserMode, .json, .raw: false
            }
        }
    }

    /// The `Allow` header of its 405 answer.
    public var allow: String { methods.joined(separator: ", ") }

    /// The handler for `method`; a raw route's for every method.
    func handler(for method: String) -> Handler? {
        handlers.first { entry in
            if case .raw = entry.handler { return true }
            return entry.method == method
        }?.handler
    }

    /// 405 for a method the route does not take, with `Allow` from the table.
    var methodNotAllowed: HTTPResponse {
        let words = methods.count == 1 ? methods[0] : methods.dropLast().joined(separator: ", ") + " or " + methods.last!
        return HTTPResponse.plain(405, "Use \(words).").adding("Allow", allow)
    }
}
