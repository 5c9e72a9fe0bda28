import AuthTokenSQLite
import AuthTokenStore

/// `authtoken-admin backup`, `restore` and `verify`: SQLite only. A PostgreSQL database is
/// backed up with PostgreSQL's own tools (`pg_dump`, see docs/scaling.md).
extension Backend {
    static func sqliteOnly(_ database: String) throws {
        guard !isPostgreSQL(database) else {
            throw Refusal(description: "\(describe(database)) is PostgreSQL: back it up with pg_dump (docs/scaling.md)")
        }
    }

    /// The new file's row counts, verified before it was written (see `SQLiteStore.backup`).
    public static func backup(_ database: String, to file: String) throws -> [(table: String, rows: Int)] {
        try sqliteOnly(database)
        return try SQLiteStore(path: database, readers: 1).backup(to: file)
    }

    public static func verify(_ file: String) throws -> [(table: String, rows: Int)] {
        try SQLiteStore.verify(file)
    }

    public static func restore(_ database: String, from file: String) throws {
        try sqliteOnly(database)
        try SQLiteStore.restore(from: file, to: database)
    }
}
