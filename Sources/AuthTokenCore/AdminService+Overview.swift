import AuthTokenStore
import Foundation

/// The administrators' overview: what the service did per day, across every account.
public struct UsageOverview: Sendable {
    public let span: DaySpan
    /// The token check's answers per day, every instance's, by outcome.
    public let checks: [CheckOutcome: DailySeries]
    /// Activity entries per day, by kind (`UsageOverview.kinds`).
    public let activity: [ActivityKind: DailySeries]
    /// The most used tokens over the span, most first.
    public let busiest: [BusyToken]
    /// Tokens never used since they were created or regenerated.
    public let neverUsed: Int

    /// The activity the overview counts: sign-ins and failed ones, blocks, tokens created
    /// and removed (by their owner or an administrator).
    public static let kinds: [ActivityKind] = [.signIn, .signInFailed, .blocked, .tokenCreated, .tokenRemoved]
    /// The overview's spans, in days.
    public static let spans = [7, 30, 90, 365]
    public static let busiestShown = 10
}

extension AdminService {
    /// The overview over the `days` days ending today (UTC). Refused checks are counted by
    /// every instance; activity is what the log still holds (`AUTHTOKEN_ACTIVITY_DAYS`).
    public func overview(days: Int) throws -> UsageOverview {
        let span = DaySpan(endingOn: UsageDay.of(now()), days: days)
        var checks = Dictionary(uniqueKeysWithValues: CheckOutcome.allCases.map { ($0, DailySeries(span: span)) })
        for row in try store.checkDays(since: span.first) { checks[row.outcome]?.add(row.count, on: row.day) }
        var activity = Dictionary(uniqueKeysWithValues: UsageOverview.kinds.map { ($0, DailySeries(span: span)) })
        for row in try store.activityDays(UsageOverview.kinds, since: span.first) {
            activity[row.kind]?.add(row.count, on: row.day)
        }
        return UsageOverview(
            span: span, checks: checks, activity: activity,
            busiest: try store.busiestTokens(since: span.first, limit: UsageOverview.busiestShown),
            neverUsed: try store.neverUsedTokenCount())
    }
}
