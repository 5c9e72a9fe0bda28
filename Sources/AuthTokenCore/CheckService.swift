import AuthTokenStore
import Foundation

/// The answer of the token check that guards other services.
public enum TokenCheck: Sendable, Equatable {
    /// Valid, of an active account, and holding the wanted scope (its full name here).
    case allowed(TokenGrant, scope: String)
    /// Missing, malformed, unknown, deleted, regenerated, expired, or of a deactivated account.
    case invalidToken
    /// A live token that lacks the wanted scope (or no scope was named).
    case scopeDenied
    /// A value rotated out of a token, presented after its grace window: the token has
    /// just been revoked (see `reuseDetected`). Answered exactly like `invalidToken`.
    case reused
}

extension CheckService {
    /// Checks a token for a scope. Runs on every guarded request, so it does one indexed
    /// read and no write: the use is noted in memory for `usage` to write later, and so is a
    /// refusal's reason, for the daily counts (docs/usage.md).
    ///
    /// Nothing is cached: a deleted or regenerated token, or a deactivated account, fails
    /// on the very next request.
    public func checkToken(_ token: String?, scope wanted: String?, from address: String) throws -> TokenCheck {
        guard let token, TokenSecret.isWellFormed(token) else { return refused(.dead) }
        guard let grant = try store.grant(digest: TokenSecret.digest(of: token)), grant.accountActive else {
            return refused(.dead)
        }
        let time = Self.seconds(now())
        // Expired answers exactly like deleted, compared with the row already read (no second query).
        if let expiresAt = grant.expiresAt, expiresAt <= time { return refused(.expired) }
        if let until = grant.retiredUntil, until <= time {
            try reuseDetected(grant, value: token, client: Client(address: address, userAgent: nil), via: "token check")
            return refused(.reused)
        }
        guard let wanted, let scope = ScopeList.match(wanted, in: grant.scopes) else { return refused(.scope) }
        usage.record(tokenID: grant.tokenID, at: now(), from: address)
        return .allowed(grant, scope: scope)
    }

    /// Counts the refusal for its day, and answers it.
    private func refused(_ reason: CheckOutcome) -> TokenCheck {
        usage.refused(reason, at: now())
        return switch reason {
        case .scope: .scopeDenied
        case .reused: .reused
        case .dead, .expired, .allowed: .invalidToken
        }
    }

    /// Readiness: the store answers the token check's own query (for a digest no token
    /// has), on this thread's connection, so a lost database shows here first.
    public func storeAnswers() -> Bool {
        do {
            _ = try store.grant(digest: String(repeating: "0", count: 64))
            return true
        } catch {
            return false
        }
    }
}

extension ScopeList {
    /// The granted scope that `wanted` names: its full `Service/apiname`, or only the api
    /// half as legacy calls send it (`scope=recruitapi`). Letter case is ignored.
    /// On the bytes (no Foundation search, no split): it runs on every check.
    public static func match(_ wanted: String, in granted: [String]) -> String? {
        let wanted = wanted.lowercased()
        guard !wanted.isEmpty else { return nil }
        let slash = UInt8(ascii: "/")
        if wanted.utf8.contains(slash) {
            return granted.first { $0.lowercased() == wanted }
        }
        return granted.first { scope in
            let api = scope.utf8.lastIndex(of: slash).map { scope[scope.utf8.index(after: $0)...] } ?? scope[...]
            return !api.isEmpty && api.lowercased() == wanted
        }
    }
}
