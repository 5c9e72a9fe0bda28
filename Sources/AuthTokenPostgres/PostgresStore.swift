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
    /// `primaryWait`: see `PostgresConnections.primaryWait` (nil: its default).
    public init(url: PostgresURL, primaryWait: Double? = nil) throws {
        connections = try PostgresConnections(url: url, primaryWait: primaryWait)
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

    /// Runs `body` in a READ COMMITTED transaction on the calling thread's connection; run
    /// again on a new connection when the server went away before COMMIT
    /// (`PostgresConnections.again`: nothing of the first run committed).
    public func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        do {
            return try connections.again { try connections.transaction(body) }
        } catch let error as PostgresError {
            throw Self.mapped(error)
        }
    }

    /// `transaction`, for a change whose effect can be looked for afterwards: when the
    /// connection fails during COMMIT (the primary went away just then), `landed` is asked on
    /// a new connection, with the value the transaction computed, whether it committed. If
    /// it did, that value is the answer; if not, the transaction runs again. So a token whose
    /// create the client never saw answered is not lost, and one whose create did commit is
    /// not made twice (the server chose its value, which is the idempotency key).
    public func transaction<T>(
        _ body: (PostgresConnection) throws -> T, landed: (PostgresConnection, T) throws -> Bool
    ) throws -> T {
        var computed: T?
        do {
            do {
                return try connections.again {
                    try connections.transaction { connection in
                        let value = try body(connection)
                        computed = value
                        return value
                    }
                }
            } catch let error as PostgresError where error.duringCommit {
                guard let value = computed else { throw error }
                if try connections.again({ try connections.withConnection { try landed($0, value) } }) { return value }
                return try connections.again { try connections.transaction(body) }
            }
        } catch let error as PostgresError {
            throw Self.mapped(error)
        }
    }

    /// Each statement on its own (autocommit), on the calling thread's connection; run again
    /// on a new connection when the server went away (only reads come here).
    public func read<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        do {
            return try connections.again { try connections.withConnection(body) }
        } catch let error as PostgresError {
            throw Self.mapped(error)
        }
    }

    /// In a transaction, so that a write the server could not finish (a failover, a
    /// switchover) runs again on the new primary instead of failing: see `transaction`.
    public func write<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try transaction(body)
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
