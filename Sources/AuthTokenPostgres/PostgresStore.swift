import AuthTokenStore
import Foundation

/// The PostgreSQL backend: several instances (processes, machines) may share one database.
///
/// Each calling thread has its own connection (`PostgresConnections`), opened on first use,
/// with its prepared statements kept warm; every statement here runs with
/// `executePrepared`. Nothing is cached in the process, so what one instance writes the
/// next statement of another sees.
///
/// How the rules of the protocols hold between processes (READ COMMITTED throughout):
/// - caps (`insertToken`, `insertAppPassword`): one transaction locks the account's row
///   (`FOR NO KEY UPDATE`), then counts and inserts; the next caller for that account waits
///   for the lock and counts afresh (each statement takes a new snapshot);
/// - single-use rows (confirmation links, half-done sign-ins, recovery codes):
///   `DELETE ... RETURNING`, so of two racing callers only one gets the row;
/// - counters and blocks: one `INSERT ... ON CONFLICT ... DO UPDATE` each, which locks the
///   row and evaluates against its latest version;
/// - TOTP steps and last-use times: conditional `UPDATE`s (`last_step < $2`,
///   `last_used_at < $2`) that PostgreSQL re-checks on the latest row after waiting for a
///   concurrent writer.
public final class PostgresStore: AuthStore {
    let connections: PostgresConnections

    /// Connects and applies pending migrations under an advisory lock, so that instances
    /// starting together do not race. Each thread then opens its own connection on first use.
    public init(url: PostgresURL) throws {
        connections = try PostgresConnections(url: url)
        try PostgresMigrations.migrate(connections)
    }

    /// Names of the migrations applied to this database, in order.
    public func appliedMigrations() throws -> [String] {
        try connections.withConnection { try PostgresMigrations.names($0) }
    }

    /// Closes the calling thread's connection (before a worker thread ends, say); its next
    /// call opens a new one.
    public func closeThreadConnection() {
        connections.closeThreadConnection()
    }

    // MARK: Helpers

    /// Runs one prepared statement on the calling thread's connection, with driver errors
    /// mapped to `StoreError` where the protocol names one.
    @discardableResult
    func run(_ sql: String, _ parameters: [(any PostgresParameter)?] = []) throws -> PostgresResult {
        do {
            return try connections.withConnection { try $0.executePrepared(sql, parameters) }
        } catch let error as PostgresError {
            throw Self.mapped(error)
        }
    }

    /// True when the statement changed at least one row.
    func changesRow(_ sql: String, _ parameters: [(any PostgresParameter)?]) throws -> Bool {
        (try run(sql, parameters).affectedRows ?? 0) > 0
    }

    /// Runs `body` in a READ COMMITTED transaction on the calling thread's connection.
    func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        do {
            return try connections.transaction(body)
        } catch let error as PostgresError {
            throw Self.mapped(error)
        }
    }

    static func mapped(_ error: PostgresError) -> Error {
        if error.isUniqueViolation && error.constraint == "account_email_key_unique" {
            return StoreError.duplicateEmail
        }
        // 23503: a row names an account that does not exist (or was just deleted).
        if error.sqlState == "23503", let constraint = error.constraint, constraint.hasSuffix("_account_id_fkey") {
            return StoreError.noSuchAccount
        }
        return error
    }

    /// Whole seconds, rounded down, as every timestamp in this schema (and SQLite's).
    static func seconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }

    static func date(_ seconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(seconds))
    }

    static func optionalDate(_ seconds: Int64?) -> Date? {
        seconds.map(date)
    }

    /// A PostgreSQL array literal of `values` (for `$1::text[]` and `$1::int8[]`): every
    /// element quoted, with `"` and `\` escaped.
    static func arrayLiteral(_ values: [String]) -> String {
        var text = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { text += "," }
            text += "\""
            for character in value {
                if character == "\"" || character == "\\" { text += "\\" }
                text.append(character)
            }
            text += "\""
        }
        return text + "}"
    }
}
