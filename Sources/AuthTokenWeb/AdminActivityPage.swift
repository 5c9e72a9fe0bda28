import AuthTokenCore
import AuthTokenStore
import Foundation

/// `/admin/activity`: activity entries across accounts, newest first, filtered by account
/// (`account`, an e-mail address), `kind`, and days (`from`, `until`: YYYY-MM-DD in UTC,
/// both included), paged. `kind=admin-audit` is the administrators' audit trail.
struct AdminActivityPage {
    let admin: AdminService
    let view: PageRenderer

    init(_ kit: PageKit) {
        admin = kit.auth.admin
        view = kit.view
    }

    func page(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws
        -> HTTPResponse
    {
        var filter = ActivityFilter()
        var problems: [String] = []
        let account = (form["account"] ?? "").trimmingCharacters(in: .whitespaces)
        if !account.isEmpty { filter.accountID = try admin.account(email: account)?.id ?? 0 }
        let kind = form["kind"] ?? ""
        if !kind.isEmpty {
            if let known = ActivityKind(rawValue: kind) { filter.kind = known } else { problems.append("Unknown kind of event.") }
        }
        let from = form["from"] ?? "", until = form["until"] ?? ""
        if !from.isEmpty {
            if let day = Self.utcDay(from) { filter.from = day } else { problems.append("“From” takes a date like 2026-11-30.") }
        }
        if !until.isEmpty {
            if let day = Self.utcDay(until) { filter.until = day.addingTimeInterval(86400) } else {
                problems.append("“Until” takes a date like 2026-11-30.")
            }
        }
        let page = AdminPaging.page(form)
        let entries = problems.isEmpty ? try admin.activity(filter, page: page) : []
        let paging = AdminPaging(path: "/admin/activity", query: [("account", account), ("kind", kind), ("from", from),
                                                                  ("until", until)],
                                 page: page, shown: entries.count, total: nil, pageSize: AdminService.adminPageSize)
        let shown = entries.prefix(AdminService.adminPageSize)
        var list = AdminActivityView(
            error: problems.isEmpty ? nil : problems.joined(separator: " "), account: account, from: from, until: until,
            kinds: ActivityKind.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: $0.rawValue == kind) },
            hasEntries: !shown.isEmpty, entries: shown.map { ActivityRow($0, withAccount: true) })
        paging.fill(&list)
        return view.page(list, user: user, status: problems.isEmpty ? 200 : 400)
    }

    /// Midnight UTC of a `YYYY-MM-DD` day, or nil.
    static func utcDay(_ text: String) -> Date? {
        guard let match = text.wholeMatch(of: #/(\d{4})-(\d{2})-(\d{2})/#),
              let year = Int(match.1), let month = Int(match.2), let day = Int(match.3)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day)
        guard components.isValidDate(in: calendar) else { return nil }
        return calendar.date(from: components)
    }
}
