import AuthTokenStore
import Foundation

extension PostgresStore {
    public func createSession(
        digest: String, accountID: Int64, at date: Date, address: String, userAgent: String, secondFactor: Bool
    ) throws {
        let time = Self.seconds(date)
        try run(
            """
            INSERT INTO web_session (digest, account_id, created_at, last_seen_at, address, user_agent, second_factor)
            VALUES ($1, $2, $3, $3, $4, $5, $6)
            """,
            [digest, accountID, time, address, userAgent, secondFactor])
    }

    public func sessions(accountID: Int64) throws -> [SessionSummary] {
        try run(
            """
            SELECT digest, created_at, last_seen_at, address, user_agent FROM web_session
            WHERE account_id = $1 ORDER BY last_seen_at DESC, created_at DESC, digest
            """, [accountID]
        ).map { row in
            SessionSummary(
                digest: try row.string(0), createdAt: Self.date(try row.int64(1)), lastSeenAt: Self.date(try row.int64(2)),
                address: try row.string(3), userAgent: try row.string(4))
        }
    }

    public func deleteSessions(accountID: Int64, except: String?) throws -> Int {
        try run(
            "DELETE FROM web_session WHERE account_id = $1 AND digest IS DISTINCT FROM $2::text", [accountID, except]
        ).affectedRows ?? 0
    }

    /// One query with the account, filtered on `active`: a deactivated account's session
    /// stops working on its very next request.
    public func session(digest: String) throws -> SessionRecord? {
        try run(
            """
            SELECT account.id, account.email, account.display_name, account.password_hash, account.confirmed,
                   account.active, account.created_at, account.admin,
                   web_session.digest, web_session.created_at, web_session.last_seen_at, web_session.second_factor
            FROM web_session JOIN account ON account.id = web_session.account_id
            WHERE web_session.digest = $1 AND account.active
            """, [digest]
        ).first.map { row in
            SessionRecord(
                digest: try row.string(8), createdAt: Self.date(try row.int64(9)),
                lastSeenAt: Self.date(try row.int64(10)), account: try Self.account(from: row),
                secondFactor: try row.bool(11))
        }
    }

    /// Never moves the time back: instances that touch one session at nearly the same
    /// moment leave the latest time.
    public func touchSession(digest: String, at date: Date) throws {
        try run(
            "UPDATE web_session SET last_seen_at = $2 WHERE digest = $1 AND last_seen_at < $2",
            [digest, Self.seconds(date)])
    }

    public func deleteSession(digest: String) throws -> Bool {
        try changesRow("DELETE FROM web_session WHERE digest = $1", [digest])
    }

    public func deleteExpiredSessions(idleBefore: Date, createdBefore: Date) throws -> Int {
        try run(
            "DELETE FROM web_session WHERE last_seen_at < $1 OR created_at < $2",
            [Self.seconds(idleBefore), Self.seconds(createdBefore)]
        ).affectedRows ?? 0
    }
}
