import AuthTokenStore
import Foundation

/// What `/apiauthtoken/rotate` did.
public enum RotationOutcome: Sendable {
    /// The token has a new value; the old one works until `worksUntil`.
    case rotated(IssuedToken, worksUntil: Date)
    /// Missing, malformed, unknown, expired, or of a deactivated account.
    case deadToken
    /// An already rotated value: the token was revoked (see `reuseDetected`).
    case reused
}

/// Rotation with reuse detection. A rotation gives the token a new value (same id, name,
/// scopes and lifetime, the expiry counted anew within the policy) and keeps the old value
/// working for `rotationGrace`, so a fleet can switch over without downtime. The old value
/// is remembered after that: presented again (to the check, to rotate, to `/self`) it
/// means a copy is in hands that did not take part in the rotation, so the token is
/// revoked with every value, the owner gets an activity entry and an e-mail, and the
/// caller gets the ordinary dead-token answer.
extension TokenService {
    public func rotateToken(value: String?, client: Client = .unknown) throws -> RotationOutcome {
        guard let value, TokenSecret.isWellFormed(value) else { return .deadToken }
        let digest = TokenSecret.digest(of: value)
        guard let grant = try store.grant(digest: digest) else { return .deadToken }
        // Rotating a rotated value is never a second, silent successor: it is reuse.
        if grant.retiredUntil != nil {
            try reuseDetected(grant, value: value, client: client, via: "/apiauthtoken/rotate")
            return .reused
        }
        let time = now()
        guard grant.accountActive, (grant.expiresAt ?? .max) > Self.seconds(time),
              let record = try store.token(id: grant.tokenID, accountID: grant.accountID)
        else { return .deadToken }
        let secret = TokenSecret.generate()
        let worksUntil = Date(timeIntervalSince1970: Double(Self.seconds(time)) + settings.rotationGrace.rounded(.down))
        let rotation = TokenRotation(
            tokenID: record.id, oldDigest: digest, oldHint: record.hint, newDigest: secret.digest, newHint: secret.hint,
            at: time, worksUntil: worksUntil, expiresAt: expiry(lifetime: capped(record.lifetime)))
        guard let rotated = try store.rotateToken(rotation) else {
            // Another request changed the value first: a concurrent rotation (reuse) or a
            // regeneration or removal (dead).
            if let again = try store.grant(digest: digest), again.retiredUntil != nil {
                try reuseDetected(again, value: value, client: client, via: "/apiauthtoken/rotate")
                return .reused
            }
            return .deadToken
        }
        try log(.tokenRotated, accountID: record.accountID, client: client,
                detail: "/apiauthtoken/rotate, \(ActivityService.tokenDetail(id: record.id, hint: secret.hint)) replaces \(record.hint), "
                    + "which works until \(Self.logTime(worksUntil))")
        return .rotated(IssuedToken(secret: secret, record: TokenRecordSummary(rotated)), worksUntil: worksUntil)
    }
}

extension AuthFeature {
    /// A rotated-out value was presented after it stopped working (or was rotated again):
    /// revokes the token it came from, with all its values, writes the owner's activity
    /// entry and mails the owner. Only the request whose delete removed the token does
    /// so, so two requests racing with the same stolen value give one entry and one mail.
    func reuseDetected(_ grant: TokenGrant, value: String, client: Client, via: String) throws {
        guard let token = try store.token(id: grant.tokenID, accountID: grant.accountID),
              try store.deleteToken(id: grant.tokenID, accountID: grant.accountID)
        else { return }
        usage.forget(tokenID: grant.tokenID)
        let presented = "…" + value.suffix(4)
        try log(.tokenReused, accountID: grant.accountID, client: client,
                detail: "\(via): rotated-out value \(presented) of \(ActivityService.tokenDetail(id: token.id, hint: token.hint)) "
                    + "“\(token.displayName)” used again; token revoked")
        let from = client.address.isEmpty ? "" : " from \(client.address)"
        notices.send(Notice(
            to: grant.email, subject: "authtoken: token “\(token.displayName)” revoked after reuse of an old value",
            text: """
                A value of your auth token “\(token.displayName)” (\(token.scopes.joined(separator: ", "))) that had \
                been replaced by rotation was used again at \(Self.logTime(now()))\(from), after it had stopped \
                working (\(via)).

                Someone who did not take part in the rotation may hold a copy of it. To be safe, the token has been \
                revoked: its current value (\(token.hint)) no longer works either.

                Create a new token on the Active Authtokens page, give it only to the programs that need it, and \
                find out where the old value was copied to. Your activity page lists this event.
                """))
    }

    /// `2026-11-30 03:07:33 UTC`, for activity entries and mails.
    static func logTime(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var t = tm()
        gmtime_r(&seconds, &t)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d UTC", Int(t.tm_year) + 1900, Int(t.tm_mon) + 1, Int(t.tm_mday),
            Int(t.tm_hour), Int(t.tm_min), Int(t.tm_sec))
    }
}
