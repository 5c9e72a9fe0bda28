import AuthTokenCore
import AuthTokenStore
import Foundation

/// Daily use on the token pages: a 30-day chart on each token of the list, and a year's on
/// `/tokens/usage?id=…` (docs/usage.md).
extension TokenPages {
    static let chartDays = 30
    static let detailDays = 365

    static func chart(_ token: TokenRecord, _ counts: DailySeries, large: Bool = false) -> UsageChart {
        UsageChart(
            id: "usage-\(token.id)", span: counts.span, series: [UsageChart.Series(name: "uses", label: "uses", counts: counts)],
            height: large ? 120 : 40, summary: UsageChart.usesSummary(counts), large: large)
    }

    func usage(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        guard let id = form["id"].flatMap(Int64.init),
              let (token, counts) = try tokens.dailyUses(tokenID: id, accountID: user.account.id, days: Self.detailDays)
        else { throw PageRefusal.noSuchToken }
        let used = counts.span.all.reversed().filter { counts[$0] > 0 }
            .map { TokenUsageView.UsedDay(day: PageDate.day(UsageDay.start($0)), uses: counts[$0]) }
        return view.page(TokenUsageView(
            title: "Use of “\(token.displayName)”", token: row(token), chart: Self.chart(token, counts, large: true),
            usedDays: used, hasUsedDays: !used.isEmpty), user: user)
    }
}
