import AuthTokenCore
import Foundation
import Metrics

/// What the web layer counts, through swift-metrics (the executable exports it in
/// Prometheus form at `/_authtoken/metrics`): every request by route and outcome, the
/// check's latency, and store failures. Label values come from a fixed set, never from the
/// request, so nobody can make new series by sending odd paths.
extension WebApp {
    /// The route label of a request: a fixed name per endpoint.
    static func route(_ path: String) -> String {
        switch path {
        case checkPath: "check"
        case "/apiauthtoken/create", "/apiauthtoken/nb/create": "create"
        case "/apiauthtoken/delete": "delete"
        case healthPath, readyPath, metricsPath: "health"
        default: "page"
        }
    }

    /// The outcome label: the check's answer, API mode's `CAUSE` (or `token`), else the
    /// status code.
    static func outcome(route: String, _ response: HTTPResponse) -> String {
        switch route {
        case "check":
            return response.status == 200 ? "allowed" : String(response.status)
        case "create" where response.status == 200:
            let body = String(decoding: response.body, as: UTF8.self)
            if body.contains("\nAUTHTOKEN=") { return "token" }
            if let line = body.split(separator: "\n").first(where: { $0.hasPrefix("CAUSE=") }),
               let cause = LegacyCause.allCases.first(where: { "CAUSE=\($0.rawValue)" == line }) {
                return cause.rawValue
            }
            return "browser"
        default:
            return String(response.status)
        }
    }

    /// Counts `response` for `request`.
    func counted(_ request: HTTPRequest, _ response: HTTPResponse) -> HTTPResponse {
        let route = Self.route(request.path)
        Counter(label: "authtoken_requests_total",
                dimensions: [("route", route), ("outcome", Self.outcome(route: route, response))]).increment()
        return response
    }

    /// A mail the pages decided on: `kind` (`registration`), `outcome` (`sent`, `failed`, or
    /// `limited`: the recipient had its mails for this hour).
    static func countMail(_ kind: String, _ outcome: String) {
        Counter(label: "authtoken_mails_total", dimensions: [("kind", kind), ("outcome", outcome)]).increment()
    }

    static let checkDuration = Metrics.Timer(label: "authtoken_check_duration_seconds")
    static let storeErrors = Counter(label: "authtoken_store_errors_total")
}
