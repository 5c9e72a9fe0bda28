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
    /// The metrics exposition (`/_authtoken/metrics` on the check listener); nil: 404.
    let metrics: (@Sendable () -> String)?

    public init(
        auth: AuthService, logger: Logger, browser: BrowserSettings? = nil,
        now: @escaping @Sendable () -> Date = { Date() }, metrics: (@Sendable () -> String)? = nil
    ) {
        self.auth = auth
        self.logger = logger
        self.browser = browser
        self.now = now
        self.metrics = metrics
    }

    /// Sends the core's notices (reused tokens, new tokens, reminders) through the browser
    /// pages' mailer, or to the log without one. `main.swift` calls it before anything that
    /// sends notices starts (the retention sweeper's reminders).
    public func deliverNotices() {
        let mailer = browser?.mailer ?? .log
        auth.notices.deliver { [logger] notice in
            _ = mailer.send(to: notice.to, subject: notice.subject, text: notice.text, link: nil, logger: logger)
        }
    }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let route = Self.routesByPath[request.path]
        return counted(route?.metric ?? "page", dispatch(route, request))
    }

    /// The check listener's entry point: it serves the token check and nothing else, so
    /// password work can never reach its threads.
    public func handleCheckListener(_ request: HTTPRequest) -> HTTPResponse {
        switch Self.checkListenerPaths[request.path] {
        case .check:
            let started = DispatchTime.now()
            let response = checkToken(request)
            Self.checkDuration.recordInterval(since: started)
            return countedCheck(response)
        case .health: return counted("health", .plain(200, "ok"))
        case .ready:
            return counted("health", auth.check.storeAnswers() ? .plain(200, "ready") : .plain(503, "The store does not answer."))
        case .metrics:
            guard let metrics else { return .plain(404, "Not found.") }
            return HTTPResponse(status: 200, headers: [
                ("Content-Type", "text/plain; version=0.0.4; charset=utf-8"), ("Cache-Control", "no-store"),
            ], body: Array(metrics().utf8))
        case nil: return counted("page", .plain(404, "Not found."))
        }
    }

    /// What the check listener answers, by path: nothing that takes a password.
    enum CheckListenerPath { case check, health, ready, metrics }
    static let checkListenerPaths: [String: CheckListenerPath] = [
        checkPath: .check, healthPath: .health, readyPath: .ready, metricsPath: .metrics,
    ]

    public static let healthPath = "/_authtoken/health"
    public static let readyPath = "/_authtoken/ready"
    /// The metrics in Prometheus' text format, from the executable's registry.
    public static let metricsPath = "/_authtoken/metrics"

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
