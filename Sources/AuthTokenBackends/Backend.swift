import AuthTokenPostgres
import AuthTokenSQLite
import AuthTokenStore

/// The store `AUTHTOKEN_DATABASE` names: a `postgresql://` (or `postgres://`) URL selects
/// the PostgreSQL backend, anything else is the path of a SQLite file. The executables open
/// their store here, so both always agree on what a setting means.
public enum Backend {
    public static func isPostgreSQL(_ database: String) -> Bool {
        database.hasPrefix("postgresql://") || database.hasPrefix("postgres://")
    }

    /// Opens (and migrates) the store. `threads`: the most threads that will use it at once;
    /// `primaryWait`: PostgreSQL's wait for a primary in seconds (nil: its default).
    public static func open(_ database: String, threads: Int, primaryWait: Int? = nil) throws -> any AuthStore {
        if isPostgreSQL(database) {
            return try PostgresStore(url: try PostgresURL(database), primaryWait: primaryWait.map(Double.init))
        }
        return try SQLiteStore(path: database, readers: threads)
    }

    /// How logs and messages name the database: a URL never shows its password (an
    /// unreadable URL is not shown at all).
    public static func describe(_ database: String) -> String {
        guard isPostgreSQL(database) else { return database }
        return (try? PostgresURL(database))?.redacted ?? "(an invalid PostgreSQL URL)"
    }
}
