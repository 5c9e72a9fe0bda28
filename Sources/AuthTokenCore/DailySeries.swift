import AuthTokenStore
import Foundation

/// The days a usage chart covers: `days` UTC days ending with today's.
public struct DaySpan: Sendable, Equatable {
    public let first: Int64
    public let days: Int

    public init(endingOn last: Int64, days: Int) {
        self.days = max(1, days)
        first = last - Int64(self.days) + 1
    }

    public var last: Int64 { first + Int64(days) - 1 }
    public var all: [Int64] { Array(first...last) }
}

/// A count per day over a span; days with nothing are 0.
public struct DailySeries: Sendable, Equatable {
    public let span: DaySpan
    public private(set) var counts: [Int64: Int]

    public init(span: DaySpan, counts: [Int64: Int] = [:]) {
        self.span = span
        self.counts = counts.filter { $0.key >= span.first && $0.key <= span.last }
    }

    public subscript(day: Int64) -> Int { counts[day] ?? 0 }
    public var total: Int { counts.values.reduce(0, +) }
    /// The last day with a count, if any.
    public var lastDay: Int64? { counts.filter { $0.value > 0 }.keys.max() }

    mutating func add(_ count: Int, on day: Int64) {
        guard day >= span.first && day <= span.last else { return }
        counts[day, default: 0] += count
    }
}

/// Each of an account's tokens' uses per day over one span.
public struct AccountUsage: Sendable {
    public let span: DaySpan
    let series: [Int64: DailySeries]

    /// The token's series; an empty one for a token not used in the span.
    public subscript(tokenID: Int64) -> DailySeries { series[tokenID] ?? DailySeries(span: span) }
}

/// Daily uses of the account's own tokens, for the token pages' charts.
extension TokenService {
    /// The account's tokens' uses per day over the `days` days ending today. Counts reach
    /// the store with the usage flusher, about once a second.
    public func dailyUses(accountID: Int64, days: Int) throws -> AccountUsage {
        let span = DaySpan(endingOn: UsageDay.of(now()), days: days)
        var series: [Int64: DailySeries] = [:]
        for row in try store.tokenDays(accountID: accountID, tokenID: nil, since: span.first) {
            series[row.tokenID, default: DailySeries(span: span)].add(row.count, on: row.day)
        }
        return AccountUsage(span: span, series: series)
    }

    /// One token's uses per day; nil when the account has no token with this id.
    public func dailyUses(tokenID: Int64, accountID: Int64, days: Int) throws -> (TokenRecord, DailySeries)? {
        guard let token = try store.token(id: tokenID, accountID: accountID) else { return nil }
        let span = DaySpan(endingOn: UsageDay.of(now()), days: days)
        var series = DailySeries(span: span)
        for row in try store.tokenDays(accountID: accountID, tokenID: tokenID, since: span.first) {
            series.add(row.count, on: row.day)
        }
        return (token, series)
    }
}
