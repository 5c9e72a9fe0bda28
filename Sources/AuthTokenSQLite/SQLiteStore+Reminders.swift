import AuthTokenStore
import Foundation
import GRDB

extension SQLiteStore {
    public func tokensToRemind(now: Date, expiringBy: Date, usedSince: Date, days: Int) throws -> [TokenReminder] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT token.id, account.email, token.display_name, token.hint, token.expires_at,
                           token.last_used_at, token.last_used_from
                    FROM token JOIN account ON account.id = token.account_id
                    WHERE token.expires_at > ? AND token.expires_at <= ? AND token.last_used_at >= ?
                      AND (token.reminded_days IS NULL OR token.reminded_days > ?) AND account.active
                    ORDER BY token.id
                    """,
                arguments: [Self.seconds(now), Self.seconds(expiringBy), Self.seconds(usedSince), days]
            ).map { row in
                TokenReminder(
                    tokenID: row[0], email: row[1], displayName: row[2], hint: row[3],
                    expiresAt: Date(timeIntervalSince1970: Double(row[4] as Int64)),
                    lastUsedAt: Date(timeIntervalSince1970: Double(row[5] as Int64)), lastUsedFrom: row[6] ?? "")
            }
        }
    }

    public func markReminded(tokenID: Int64, days: Int, expiresAt: Date) throws -> Bool {
        try changesRow(
            """
            UPDATE token SET reminded_days = ?
            WHERE id = ? AND expires_at = ? AND (reminded_days IS NULL OR reminded_days > ?)
            """, [days, tokenID, Self.seconds(expiresAt), days])
    }
}
