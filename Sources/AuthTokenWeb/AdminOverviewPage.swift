import AuthTokenCore
import AuthTokenStore
import Foundation

/// `/admin/overview`: what the service did per day over 7, 30, 90 or 365 days (`days`),
/// as charts that link to the activity or inventory they summarise, and the same figures
/// as CSV (`/admin/overview/csv`): one row per day, one column per chart series.
struct AdminOverviewPage {
    let admin: AdminService
    let view: PageRenderer

    init(_ kit: PageKit) {
        admin = kit.auth.admin
        view = kit.view
    }

    func page(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        let days = try Self.days(form)
        let overview = try admin.overview(days: days)
        let span = overview.span
        let checks = CheckOutcome.allCases.map { outcome in
            UsageChart.Series(name: outcome.rawValue, label: Self.words(outcome), counts: overview.checks[outcome]!)
        }
        let checked = checks.reduce(0) { $0 + $1.counts.total }
        let refused = checked - overview.checks[.allowed]!.total
        let activity = UsageOverview.kinds.map { kind in
            let counts = overview.activity[kind]!
            return AdminOverviewView.ActivityChart(
                heading: Self.heading(kind), href: Self.activityLink(kind, from: span.first, until: span.last),
                chart: UsageChart(
                    id: "overview-\(kind.rawValue)", span: span,
                    series: [UsageChart.Series(name: kind.rawValue, label: Self.heading(kind).lowercased(), counts: counts)],
                    height: 60, summary: "\(counts.total) in \(span.days) days.",
                    link: { Self.activityLink(kind, from: $0, until: $0) }))
        }
        let busiest = overview.busiest.map { busy in
            AdminOverviewView.BusyRow(
                id: String(busy.token.token.id), name: busy.token.token.displayName, hint: busy.token.token.hint,
                owner: busy.token.ownerEmail, ownerQuery: FormData.encode(busy.token.ownerEmail), uses: busy.uses)
        }
        return view.page(AdminOverviewView(
            days: String(days),
            spans: UsageOverview.spans.map { Choice(value: String($0), label: "\($0) days", selected: $0 == days) },
            checks: UsageChart(
                id: "overview-checks", span: span, series: checks, height: 120,
                summary: "\(checked) guarded \(checked == 1 ? "call" : "calls") in \(span.days) days, \(refused) refused.", large: true),
            activity: activity, busiest: busiest, hasBusiest: !busiest.isEmpty, neverUsed: overview.neverUsed,
            neverUsedNoun: overview.neverUsed == 1 ? "token has" : "tokens have"),
            user: user)
    }

    func csv(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        let overview = try admin.overview(days: try Self.days(form))
        var lines = [InventoryCSV.line(["day"] + CheckOutcome.allCases.map(\.rawValue) + UsageOverview.kinds.map(\.rawValue))]
        for day in overview.span.all {
            let figures = CheckOutcome.allCases.map { overview.checks[$0]![day] } + UsageOverview.kinds.map { overview.activity[$0]![day] }
            lines.append(InventoryCSV.line([PageDate.day(UsageDay.start(day))] + figures.map { String($0) }))
        }
        return HTTPResponse(status: 200, headers: [
            ("Content-Type", "text/csv; charset=UTF-8"),
            ("Content-Disposition", "attachment; filename=\"authtoken-overview.csv\""),
            ("Cache-Control", "no-store"),
        ], body: Array((lines.joined(separator: "\r\n") + "\r\n").utf8))
    }

    /// `days`: one of `UsageOverview.spans`; 30 when absent.
    static func days(_ form: FormData) throws -> Int {
        guard let given = form["days"], !given.isEmpty else { return 30 }
        guard let days = Int(given), UsageOverview.spans.contains(days) else {
            throw PageRefusal.unusableFilter("The overview covers 7, 30, 90 or 365 days.")
        }
        return days
    }

    static func activityLink(_ kind: ActivityKind, from: Int64, until: Int64) -> String {
        "/admin/activity?kind=\(kind.rawValue)&from=\(PageDate.day(UsageDay.start(from)))&until=\(PageDate.day(UsageDay.start(until)))"
    }

    static func heading(_ kind: ActivityKind) -> String {
        switch kind {
        case .signIn: "Sign-ins"
        case .signInFailed: "Failed sign-ins"
        case .blocked: "Blocks"
        case .tokenCreated: "Tokens created"
        case .tokenRemoved: "Tokens revoked"
        default: kind.label
        }
    }

    static func words(_ outcome: CheckOutcome) -> String {
        switch outcome {
        case .allowed: "allowed"
        case .dead: "refused: no such live token"
        case .expired: "refused: expired"
        case .scope: "refused: wrong scope"
        case .reused: "refused: rotated-out value"
        }
    }
}

struct AdminOverviewView: PageModel {
    var template: String { "admin-overview" }
    var title = "Overview"
    var days: String
    var spans: [Choice]
    var checks: UsageChart
    var activity: [ActivityChart]
    var busiest: [BusyRow]
    var hasBusiest: Bool
    var neverUsed: Int
    var neverUsedNoun: String

    struct ActivityChart {
        var heading: String
        var href: String
        var chart: UsageChart
    }

    struct BusyRow {
        var id: String
        var name: String
        var hint: String
        var owner: String
        var ownerQuery: String
        var uses: Int
    }
}
