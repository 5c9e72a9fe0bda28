import AuthTokenStore
import Foundation

/// What `/apiauthtoken/self` learns about the token it was called with.
public enum TokenInspection: Sendable {
    /// The token; `valueWorksUntil` is set when the value presented is one rotated out of
    /// it, still inside its grace window.
    case token(TokenRecord, valueWorksUntil: Date?)
    /// Missing, malformed, unknown, expired, or of a deactivated account.
    case deadToken
    /// A rotated-out value after its grace window: the token was revoked (`reuseDetected`).
    case reused
}

extension TokenService {
    /// The token a value belongs to, for the value's own holder. Accepts exactly what the
    /// token check accepts (and raises the same alarm), but needs no scope and notes no use.
    public func inspectToken(value: String?, client: Client = .unknown) throws -> TokenInspection {
        guard let value, TokenSecret.isWellFormed(value),
              let grant = try store.grant(digest: TokenSecret.digest(of: value)), grant.accountActive
        else { return .deadToken }
        let time = Self.seconds(now())
        if let expiresAt = grant.expiresAt, expiresAt <= time { return .deadToken }
        if let until = grant.retiredUntil, until <= time {
            try reuseDetected(grant, value: value, client: client, via: "/apiauthtoken/self")
            return .reused
        }
        guard let record = try store.token(id: grant.tokenID, accountID: grant.accountID) else { return .deadToken }
        return .token(record, valueWorksUntil: grant.retiredUntil.map { Date(timeIntervalSince1970: Double($0)) })
    }
}
