import AuthTokenPostgres
import AuthTokenSQLite
import AuthTokenStore

/// `authtoken-admin migrate`: a SQLite installation copied into an empty PostgreSQL
/// database (see `TransferTable`).
extension Backend {
    public struct MigrationReport: Sendable {
        /// Rows stored in the target, per table, in `TransferTable.all` order.
        public let copied: [(table: String, rows: Int)]
        /// Rows the source left out, per table (see `SQLiteStore.exportRows` for why).
        public let leftOut: [String: Int]
    }

    /// What the backend commands refuse to do, and why (printed as the message).
    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
    }

    /// Copies the SQLite database at `source` into the PostgreSQL database `target` (which
    /// is migrated to the current schema first and must be empty). All or nothing.
    public static func migrate(from source: String, to target: String) throws -> MigrationReport {
        guard !isPostgreSQL(source) else {
            throw Refusal(description: "the source must be a SQLite database; it is \(describe(source))")
        }
        guard isPostgreSQL(target) else {
            throw Refusal(description: "--to takes a postgresql:// URL")
        }
        let url = try PostgresURL(target)
        // The URL comes from a command line, which every local user can read in `ps`.
        guard url.password == nil else {
            throw Refusal(description: """
                the URL holds a password, which every local user could read on the command line: \
                remove it and give it in PGPASSWORD or a PGPASSFILE instead
                """)
        }
        let from = try SQLiteStore(path: source, readers: 1)
        let to = try PostgresStore(url: url)
        defer { to.closeThreadConnection() }
        var leftOut: [String: Int] = [:]
        let counts = try to.importRows { insert in
            let source = try from.exportRows(insert)
            leftOut = source.leftOut
            return source
        }
        return MigrationReport(copied: TransferTable.all.map { ($0.name, counts[$0.name] ?? 0) }, leftOut: leftOut)
    }
}
