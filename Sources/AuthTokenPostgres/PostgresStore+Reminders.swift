import AuthTokenStore
import Foundation

extension PostgresStore {
    public func tokensToRemind(now: Date, expiringBy: Date, usedSince: Date, days: Int) throws -> [TokenReminder] {
        try run(
            """
            SELECT token.id, account.email, token.display_name, token.hint, token.expires_at,
                   token.last_used_at, token.last_used_from
            FROM token JOIN account ON account.id = token.account_id
            WHERE token.expires_at > $1 AND token.expires_at <= $2 AND token.last_used_at >= $3
              AND (token.reminded_days IS NULL OR token.reminded_days > $4) AND account.active
            ORDER BY token.id
            """, [Self.seconds(now), Self.seconds(expiringBy), Self.seconds(usedSince), Int64(days)]
        ).map { row in
            TokenReminder(
                tokenID: try row.int64(0), email: try row.string(1), displayName: try row.string(2), hint: try row.string(3),
                expiresAt: Self.date(try row.int64(4)), lastUsedAt: Self.date(try row.int64(5)),
                lastUsedFrom: try row.optionalString(6) ?? "")
        }
    }

    /// One UPDATE: its WHERE is the compare, so concurrent instances cannot both win.
    public func markReminded(tokenID: Int64, days: Int, expiresAt: Date) throws -> Bool {
        try changesRow(
            """
            UPDATE token SET reminded_days = $1
            WHERE id = $2 AND expires_at = $3 AND (reminded_days IS NULL OR reminded_days > $1)
            """, [Int64(days), tokenID, Self.seconds(expiresAt)])
    }
}
