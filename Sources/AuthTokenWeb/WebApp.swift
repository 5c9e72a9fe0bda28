import AuthTokenCore
import Foundation
import Logging

/// The web layer's entry point: takes a plain request, returns a plain response.
///
/// It never throws and never traps on bad input: malformed parameters get a 400, unknown
/// paths a 404, and an unexpected failure below (the database) a logged 500 or, in API
/// mode, `CAUSE=REMOTE_SERVER_ERROR`, which clients already understand.
public struct WebApp: Sendable {
    public let auth: AuthService
    let logger: Logger
    let now: @Sendable () -> Date
    /// The browser pages; nil serves API mode only.
    let browser: BrowserSettings?

    public init(
        auth: AuthService, logger: Logger, browser: BrowserSettings? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.auth = auth
        self.logger = logger
        self.browser = browser
        self.now = now
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        switch request.path {
        case "/apiauthtoken/create", "/apiauthtoken/nb/create":
            guard request.method == "GET" || request.method == "POST" else {
                return HTTPResponse.plain(405, "Use GET or POST.").adding("Allow", "GET, POST")
            }
            return withParameters(request) { isBrowserMode($0) ? browserMode(request, $0) : createToken(request, $0) }
        case "/apiauthtoken/delete":
            guard request.method == "GET" || request.method == "POST" else {
                return HTTPResponse.plain(405, "Use GET or POST.").adding("Allow", "GET, POST")
            }
            return withParameters(request) { deleteToken(request, $0) }
        case WebApp.checkPath:
            return checkToken(request)
        case "/", "/signin", "/signout", "/register", "/confirm", "/tokens", "/tokens/remove",
             "/tokens/regenerate", "/developer", "/signin/code", "/twofactor", "/twofactor/setup",
             "/twofactor/confirm", "/twofactor/disable", "/app-passwords", "/app-passwords/revoke", "/activity",
             "/password", "/forgot", "/reset", "/sessions", "/sessions/end", "/sessions/end-others":
            return browserPage(request)
        default:
            return .plain(404, "Not found.")
        }
    }

    /// The check listener's entry point: it serves the token check and nothing else, so
    /// password work can never reach its threads.
    public func handleCheckListener(_ request: HTTPRequest) -> HTTPResponse {
        switch request.path {
        case WebApp.checkPath: checkToken(request)
        case WebApp.healthPath: .plain(200, "ok")
        case WebApp.readyPath:
            auth.storeAnswers() ? .plain(200, "ready") : .plain(503, "The store does not answer.")
        default: .plain(404, "Not found.")
        }
    }

    /// Liveness: the check listener answers. Readiness: and the store answers the check's
    /// own query. For load balancers and monitoring; nginx serves both to loopback only.
    public static let healthPath = "/_authtoken/health"
    public static let readyPath = "/_authtoken/ready"

    /// Parses query and, for form posts, body parameters; a malformed request gets 400.
    func withParameters(_ request: HTTPRequest, _ body: (FormData) -> HTTPResponse) -> HTTPResponse {
        guard request.queryIsUTF8 else { return .plain(400, FormDataError.invalidUTF8.message) }
        do {
            var parameters = try FormData(parsing: request.query)
            if request.method == "POST" && request.hasFormBody {
                parameters = parameters.merging(try FormData(parsing: request.body))
            }
            return body(parameters)
        } catch {
            return .plain(400, error.message)
        }
    }
}

extension HTTPResponse {
    func adding(_ name: String, _ value: String) -> HTTPResponse {
        var copy = self
        copy.headers.append((name, value))
        return copy
    }
}
