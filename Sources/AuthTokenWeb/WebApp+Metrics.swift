import AuthTokenCore
import Foundation
import Metrics

/// What the web layer counts, through swift-metrics (the executable exports it in
/// Prometheus form at `/_authtoken/metrics`): every request by route and outcome, the
/// check's latency, and store failures. Label values come from a fixed set, never from the
/// request, so nobody can make new series by sending odd paths.
extension WebApp {
    /// Counts `response` under the route label `metric` (from the route table) and its
    /// outcome: API mode's `CAUSE` or `token` as the answer carries it (`outcome`), else the
    /// status.
    func counted(_ metric: String, _ response: HTTPResponse) -> HTTPResponse {
        let outcome = response.outcome ?? (metric == "create" && response.status == 200 ? "browser" : String(response.status))
        Counter(label: Self.requestsLabel, dimensions: [("route", metric), ("outcome", outcome)]).increment()
        return response
    }

    /// Counts a check's answer with handles made once: the check runs on every guarded
    /// request, and making a handle looks it up in the registry under a lock.
    func countedCheck(_ response: HTTPResponse) -> HTTPResponse {
        switch response.status {
        case 200: Self.checkAllowed.increment()
        case 401: Self.checkRefused.increment()
        case 403: Self.checkDenied.increment()
        default: Counter(label: Self.requestsLabel, dimensions: [("route", "check"), ("outcome", String(response.status))]).increment()
        }
        return response
    }

    static let requestsLabel = "authtoken_requests_total"
    static let checkAllowed = Counter(label: requestsLabel, dimensions: [("route", "check"), ("outcome", "allowed")])
    static let checkRefused = Counter(label: requestsLabel, dimensions: [("route", "check"), ("outcome", "401")])
    static let checkDenied = Counter(label: requestsLabel, dimensions: [("route", "check"), ("outcome", "403")])

    /// A mail the pages decided on: `kind` (`registration`), `outcome` (`sent`, `failed`, or
    /// `limited`: the recipient had its mails for this hour).
    static func countMail(_ kind: String, _ outcome: String) {
        Counter(label: "authtoken_mails_total", dimensions: [("kind", kind), ("outcome", outcome)]).increment()
    }

    static let checkDuration = Metrics.Timer(label: "authtoken_check_duration_seconds")
    static let storeErrors = Counter(label: "authtoken_store_errors_total")
}
