import AuthTokenSQL
import AuthTokenStore
import Foundation

/// The PostgreSQL backend: several instances (processes, machines) may share one database.
///
/// Each calling thread has its own connection (`PostgresConnections`), opened on first use,
/// with its prepared statements kept warm; every statement here runs with
/// `executePrepared`. Nothing is cached in the process, so what one instance writes the
/// next statement of another sees.
///
/// Most store methods are written once for both backends (`SQLStore`, in AuthTokenSQL);
/// this backend gives them its connections and implements itself only what differs: the
/// token check, last-use writes, the throttle's upserts, migrations and transfer.
///
/// How the rules of the protocols hold between processes (READ COMMITTED throughout):
/// - caps (`insertToken`, `insertAppPassword`): one transaction locks the account's row
///   (`FOR NO KEY UPDATE`), then counts and inserts; the next caller for that account waits
///   for the lock and counts afresh (each statement takes a new snapshot);
/// - single-use rows (confirmation links, half-done sign-ins, reset links, recovery
///   codes): `DELETE ... RETURNING` (or a conditional `DELETE`), so of two racing callers
///   only one gets the row;
/// - counters and blocks: one `INSERT ... ON CONFLICT ... DO UPDATE` each, which locks the
///   row and evaluates against its latest version;
/// - TOTP steps and last-use times: conditional `UPDATE`s (`last_step < ?`,
///   `last_used_at < ?`) that PostgreSQL re-checks on the latest row after waiting for a
///   concurrent writer.
public final class PostgresStore: SQLStore {
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

    /// Runs `body` in a READ COMMITTED transaction on the calling thread's connection.
    public func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        do {
            return try connections.transaction(body)
        } catch let error as PostgresError {
            throw Self.mapped(error)
        }
    }

    /// Each statement on its own (autocommit), on the calling thread's connection.
    public func read<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        do {
            return try connections.withConnection(body)
        } catch let error as PostgresError {
            throw Self.mapped(error)
        }
    }

    public func write<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try read(body)
    }

    /// PostgreSQL sorts NULL highest: never used must be put last descending, first ascending.
    public static let nullsLast = " NULLS LAST", nullsFirst = " NULLS FIRST"

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
