import AuthTokenCore
import AuthTokenStore
import AuthTokenWeb
import Foundation
import Testing

/// Daily use on the pages: a token's chart on the token list and its year on
/// `/tokens/usage`, and the administrators' overview with its CSV.
@Suite struct UsagePagesTests {
    /// `data-count` of every day's bar in the chart `id`, by day.
    static func bars(_ html: String, chart id: String) -> [String: Int] {
        guard let start = html.range(of: "id=\"\(id)\""), let end = html.range(of: "</figure>", range: start.upperBound..<html.endIndex)
        else { return [:] }
        let figure = String(html[start.upperBound..<end.lowerBound])
        var bars: [String: Int] = [:]
        for match in figure.matches(of: #/<g class="bar" data-day="([0-9-]+)" data-count="([0-9]+)">/#) {
            bars[String(match.1)] = Int(match.2)
        }
        return bars
    }

    static func caption(_ html: String, chart id: String) -> String? {
        guard let match = html.firstMatch(of: try! Regex<(Substring, Substring)>("id=\"\(id)-caption\">([^<]*)")) else { return nil }
        return String(match.1).trimmingCharacters(in: .whitespaces)
    }

    func day(_ b: BrowserHarness, _ offset: Int64) -> (Int64, String) {
        let day = UsageDay.of(b.clock.now) + offset
        return (day, UsageDay.start(day).formatted(.iso8601.year().month().day()))
    }

    @Test func eachTokenShowsItsLast30DaysAndItsYear() throws {
        let b = try BrowserHarness()
        let ann = try b.addAccount("ann@example.com")
        let bob = try b.addAccount("bob@example.com")
        let (_, used) = try b.issue(ann, "used")
        let (_, idle) = try b.issue(ann, "idle")
        let (_, bobs) = try b.issue(bob, "bobs")
        let (today, todayText) = day(b, 0)
        let (old, oldText) = day(b, -100)
        try b.t.store.addUsage(UsageCounts(tokens: [
            TokenDayCount(tokenID: used, day: today, count: 12), TokenDayCount(tokenID: used, day: today - 3, count: 400),
            TokenDayCount(tokenID: used, day: today - 30, count: 7), TokenDayCount(tokenID: used, day: old, count: 5),
            TokenDayCount(tokenID: bobs, day: today, count: 9),
        ]))
        b.signIn("ann@example.com", "password1")
        let list = b.get("/tokens").bodyText
        let bars = Self.bars(list, chart: "usage-\(used)")
        #expect(bars.count == 30)
        #expect(bars[todayText] == 12)
        #expect(bars[day(b, -3).1] == 400)
        #expect(bars.values.reduce(0, +) == 412)  // the 31st day back is not in the 30
        #expect(Self.caption(list, chart: "usage-\(used)") == "412 uses in 30 days, the last on \(todayText).")
        #expect(Self.bars(list, chart: "usage-\(idle)").values.allSatisfy { $0 == 0 })
        #expect(Self.caption(list, chart: "usage-\(idle)") == "No uses in 30 days.")
        #expect(!list.contains("usage-\(bobs)"))
        // Bars are scaled to the tallest: 400 fills the 40 units, 12 is 1.2.
        #expect(list.contains(#"height="40" data-count="400""#))
        #expect(list.contains(#"height="1.2" data-count="12""#))
        #expect(!list.contains("style="))

        let year = b.get("/tokens/usage?id=\(used)")
        #expect(year.status == 200)
        let yearBars = Self.bars(year.bodyText, chart: "usage-\(used)")
        #expect(yearBars.count == 365)
        #expect(yearBars[oldText] == 5)
        #expect(yearBars.values.reduce(0, +) == 424)
        #expect(Self.caption(year.bodyText, chart: "usage-\(used)") == "424 uses in 365 days, the last on \(todayText).")
        #expect(year.bodyText.contains("<tr><td>\(oldText)</td><td class=\"uses\">5</td></tr>"))
        // Another account's token, or none, is the same 404.
        #expect(b.get("/tokens/usage?id=\(bobs)").status == 404)
        #expect(b.get("/tokens/usage?id=x").status == 404)
        #expect(b.get("/tokens/usage?id=\(bobs)").bodyText == b.get("/tokens/usage?id=999999").bodyText)
    }

    @Test func theOverviewShowsTheStoresFiguresAndItsCSVTheSame() throws {
        let b = try BrowserHarness()
        let root = try b.signInAsAdmin()
        let ann = try b.addAccount("ann@example.com")
        let (_, busy) = try b.issue(ann, "busy")
        let (_, calm) = try b.issue(ann, "calm")
        let (today, todayText) = day(b, 0)
        let (_, yesterdayText) = day(b, -1)
        try b.t.store.addUsage(UsageCounts(
            tokens: [TokenDayCount(tokenID: busy, day: today, count: 50), TokenDayCount(tokenID: calm, day: today - 1, count: 3)],
            checks: [CheckDayCount(day: today, outcome: .allowed, count: 50), CheckDayCount(day: today, outcome: .expired, count: 4),
                     CheckDayCount(day: today - 1, outcome: .allowed, count: 3), CheckDayCount(day: today - 1, outcome: .dead, count: 8),
                     CheckDayCount(day: today - 40, outcome: .scope, count: 99)]))
        let page = b.get("/admin/overview")
        #expect(page.status == 200)
        let html = page.bodyText
        let checks = Self.bars(html, chart: "overview-checks")
        #expect(checks.count == 30)
        #expect(checks[todayText] == 54 && checks[yesterdayText] == 11)
        #expect(checks.values.reduce(0, +) == 65)
        #expect(Self.caption(html, chart: "overview-checks") == "65 guarded calls in 30 days, 12 refused.")
        #expect(html.contains(#"data-count="4"></rect>"#))
        // The store's activity: the administrator's own sign-in, tokens created by `issue`.
        let signIns = try b.t.store.activityDays([.signIn], since: today - 29).reduce(0) { $0 + $1.count }
        #expect(signIns >= 1)
        #expect(Self.bars(html, chart: "overview-sign-in").values.reduce(0, +) == signIns)
        #expect(html.contains(#"href="/admin/activity?kind=sign-in&amp;from=\#(todayText)&amp;until=\#(todayText)""#))
        #expect(html.contains("<tr data-token=\"\(busy)\">"))
        let busiestOrder = html.matches(of: #/<tr data-token="([0-9]+)">/#).map { Int64($0.1)! }
        #expect(busiestOrder == [busy, calm])
        #expect(html.contains("<span class=\"never-used\">\(try b.t.store.neverUsedTokenCount())</span>"))

        let csv = b.get("/admin/overview/csv")
        #expect(csv.status == 200 && csv.header("Content-Type") == "text/csv; charset=UTF-8")
        let lines = csv.bodyText.split(separator: "\r\n").map(String.init)
        #expect(lines.first == #""day","allowed","dead","expired","scope","reused","sign-in","sign-in-failed","blocked","token-created","token-removed""#)
        #expect(lines.count == 31)
        #expect(lines.last == "\"\(todayText)\",\"50\",\"0\",\"4\",\"0\",\"0\",\"\(Self.bars(html, chart: "overview-sign-in")[todayText] ?? -1)\",\"0\",\"0\",\"\(Self.bars(html, chart: "overview-token-created")[todayText] ?? -1)\",\"0\"")
        #expect(b.get("/admin/overview/csv?days=365").bodyText.contains("\"99\""))
        #expect(b.get("/admin/overview?days=8").status == 400)
        _ = root
    }
}
