import AuthTokenStore
import Foundation

/// Optional expiry. A token made without one is permanent, as in the legacy protocol,
/// unless `maxTokenLifetimeDays` caps every new value: then it gets the cap. The cap only
/// ever applies when a value is made (created, renewed, rotated): tokens already stored
/// keep the expiry they have.
extension TokenService {
    /// The lifetime in seconds a new value gets for `choice`, capped by the policy; nil is
    /// permanent. Throws `TokenRefusal.invalidExpiry` for a day count out of range or a
    /// date that is not in the future.
    public func lifetime(for choice: TokenExpiry) throws(TokenRefusal) -> Int64? {
        let asked: Int64?
        switch choice {
        case .never: asked = nil
        case .days(let days):
            guard (1...TokenExpiry.maxDays).contains(days) else { throw .invalidExpiry }
            asked = Int64(days) * 86400
        case .until(let date):
            let seconds = Int64(date.timeIntervalSince1970.rounded(.down)) - Self.seconds(now())
            guard seconds > 0, seconds <= Int64(TokenExpiry.maxDays) * 86400 else { throw .invalidExpiry }
            asked = seconds
        }
        return capped(asked)
    }

    /// When the token's value would expire if it were renewed (regenerated) now; nil: never.
    public func renewedExpiry(of token: TokenRecord) -> Date? {
        expiry(lifetime: capped(token.lifetime))
    }

    /// True from the second the token's expiry names on: a token expiring at 12:00:00
    /// works at 11:59:59 and fails at 12:00:00.
    public func hasExpired(_ token: TokenRecord) -> Bool {
        token.expiresAt.map { Self.seconds($0) <= Self.seconds(now()) } ?? false
    }
}

extension AuthFeature {
    /// `lifetime` (nil: permanent) within the policy's cap.
    func capped(_ lifetime: Int64?) -> Int64? {
        guard let cap = settings.maxTokenLifetimeDays.map({ Int64($0) * 86400 }) else { return lifetime }
        return min(lifetime ?? cap, cap)
    }

    /// The instant a value made now with this lifetime stops working.
    func expiry(lifetime: Int64?) -> Date? {
        lifetime.map { Date(timeIntervalSince1970: Double(Self.seconds(now()) + $0)) }
    }

    static func seconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }
}
