import AuthTokenStore
import Foundation
import GRDB

extension SQLiteStore {
    public func createSession(
        digest: String, accountID: Int64, at date: Date, address: String, userAgent: String, secondFactor: Bool
    ) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO web_session (digest, account_id, created_at, last_seen_at, address, user_agent, second_factor)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [digest, accountID, Self.seconds(date), Self.seconds(date), address, userAgent, secondFactor])
        }
    }

    public func sessions(accountID: Int64) throws -> [SessionSummary] {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: """
                    SELECT digest, created_at, last_seen_at, address, user_agent FROM web_session
                    WHERE account_id = ? ORDER BY last_seen_at DESC, created_at DESC, digest
                    """, arguments: [accountID]
            ).map { row in
                SessionSummary(
                    digest: row["digest"], createdAt: Date(timeIntervalSince1970: Double(row["created_at"] as Int64)),
                    lastSeenAt: Date(timeIntervalSince1970: Double(row["last_seen_at"] as Int64)),
                    address: row["address"], userAgent: row["user_agent"])
            }
        }
    }

    public func deleteSessions(accountID: Int64, except: String?) throws -> Int {
        try pool.write { db in
            try db.execute(
                sql: "DELETE FROM web_session WHERE account_id = ? AND digest IS NOT ?", arguments: [accountID, except])
            return db.changesCount
        }
    }

    /// One query with the account, filtered on `active`: a deactivated account's session
    /// stops working on its very next request.
    public func session(digest: String) throws -> SessionRecord? {
        let columns = Self.accountColumns.split(separator: ",")
            .map { "account.\($0.trimmingCharacters(in: .whitespaces))" }.joined(separator: ", ")
        return try pool.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: """
                    SELECT \(columns), web_session.digest AS session_digest,
                           web_session.created_at AS session_created_at, web_session.last_seen_at,
                           web_session.second_factor
                    FROM web_session JOIN account ON account.id = web_session.account_id
                    WHERE web_session.digest = ? AND account.active = 1
                    """),
                arguments: [digest]
            ).map { row in
                SessionRecord(
                    digest: row["session_digest"],
                    createdAt: Date(timeIntervalSince1970: Double(row["session_created_at"] as Int64)),
                    lastSeenAt: Date(timeIntervalSince1970: Double(row["last_seen_at"] as Int64)),
                    account: Self.account(from: row), secondFactor: row["second_factor"])
            }
        }
    }

    public func touchSession(digest: String, at date: Date) throws {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE web_session SET last_seen_at = ? WHERE digest = ?",
                arguments: [Self.seconds(date), digest])
        }
    }

    public func deleteSession(digest: String) throws -> Bool {
        try changesRow("DELETE FROM web_session WHERE digest = ?", [digest])
    }

    public func deleteExpiredSessions(idleBefore: Date, createdBefore: Date) throws -> Int {
        try pool.write { db in
            try db.execute(
                sql: "DELETE FROM web_session WHERE last_seen_at < ? OR created_at < ?",
                arguments: [Self.seconds(idleBefore), Self.seconds(createdBefore)])
            return db.changesCount
        }
    }

    /// Whole seconds, as every other timestamp in this schema.
    static func seconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }
}
