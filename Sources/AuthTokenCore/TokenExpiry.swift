import Foundation

/// The lifetime a person or script asks for when a token is made.
public enum TokenExpiry: Sendable, Equatable {
    /// No end of its own: permanent, or the longest the policy allows when it caps lifetimes.
    case never
    /// This many days from now (1 to `maxDays`).
    case days(Int)
    /// Until this instant, which must lie in the future.
    case until(Date)

    /// The most days a lifetime may be asked for (a hundred years).
    public static let maxDays = 36500

    /// `EXPIRES_IN_DAYS` / the page's day count: plain decimal digits, 1 to `maxDays`.
    /// Nil for anything else (signs, spaces, zero, too many days).
    public static func days(_ text: String) -> TokenExpiry? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let days = Int(text), (1...maxDays).contains(days)
        else { return nil }
        return .days(days)
    }
}
