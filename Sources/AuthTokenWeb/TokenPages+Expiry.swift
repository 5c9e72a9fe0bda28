import AuthTokenCore
import AuthTokenStore
import Foundation

/// The expiry choice of the token page and of browser mode, and how a token's expiry shows.
extension TokenPages {
    /// Tokens expiring within this time get the banner on the token page.
    static let expiryWarning: TimeInterval = 7 * 86400

    /// The form's `expiry`: `never`, a day count (the page offers 30, 90 and 365), or
    /// `date` with `expiry_date` as `YYYY-MM-DD`, meaning valid through that day (UTC): the
    /// token stops working at the next midnight UTC. Absent is `never`. Nil: unusable.
    static func expiryChoice(_ form: FormData) -> TokenExpiry? {
        switch form["expiry"] ?? "never" {
        case "never": return .never
        case "date": return form["expiry_date"].flatMap(endOfDay).map { .until($0) }
        case let days: return TokenExpiry.days(days)
        }
    }

    /// The first second after the day `YYYY-MM-DD` (UTC); nil unless it is a real date.
    static func endOfDay(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day)
        guard components.isValidDate(in: calendar), let start = calendar.date(from: components) else { return nil }
        return start.addingTimeInterval(86400)
    }


    /// What the expiry choice shows: the options, with `selected` on the one asked for, and
    /// the cap when there is one.
    func expiryOptions(selected: String = "never") -> ExpiryChoice {
        let cap = settings.maxTokenLifetimeDays
        let never = cap.map { "as long as allowed (\($0) days)" } ?? "never"
        let options = [("never", never), ("30", "30 days"), ("90", "90 days"), ("365", "365 days"), ("date", "on a date")]
        return ExpiryChoice(
            expiryOptions: options.map { Choice(value: $0.0, label: $0.1, selected: $0.0 == selected) },
            minDate: PageDate.day(now()), maxLifetime: cap.map { String($0) })
    }

    /// Adds a row's expiry facts: `expires` (date) or none, `expired` once past,
    /// `expiresSoon` within `expiryWarning`.
    func addExpiryFacts(_ token: TokenRecord, to row: inout TokenRow) {
        guard let expires = token.expiresAt else { return }
        row.expires = PageDate.string(from: expires)
        row.expiresISO = PageDate.iso(expires)
        if tokens.hasExpired(token) {
            row.expired = true
        } else if expires.timeIntervalSince(now()) <= Self.expiryWarning {
            row.expiresSoon = true
        }
    }
}
