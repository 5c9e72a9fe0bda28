import AuthTokenStore
import Foundation
import GRDB

/// The embedded default backend: one SQLite file in WAL mode, through GRDB.
///
/// A `DatabasePool` gives concurrent readers and one serialized writer, which is what a
/// pool of FastCGI worker threads needs: token checks read in parallel while writes queue.
public final class SQLiteStore: AuthStore, Sendable {
    let pool: DatabasePool
    /// Per-thread read-only connections for the token check (see `ThreadReaders`).
    let checkReaders: ThreadReaders

    /// Opens (creating if needed) the database at `path` and runs pending migrations.
    /// - Parameter readers: the most read connections held at once; match the worker
    ///   thread count so readers never wait for each other.
    public init(path: String, readers: Int = 8) throws {
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.maximumReaderCount = max(1, readers)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        pool = try DatabasePool(path: path, configuration: config)
        try SQLiteMigrations.migrator.migrate(pool)
        checkReaders = try ThreadReaders(path: path)
    }

    /// Names of the migrations applied to this database, in order.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try SQLiteMigrations.migrator.appliedMigrations(db) }
    }

    /// Runs one changing statement and says whether it touched a row: the shape of every
    /// "set this flag" and "delete this one" method of the store.
    func changesRow(_ sql: String, _ arguments: StatementArguments) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: sql, arguments: arguments)
            return db.changesCount > 0
        }
    }

    /// Runs `body` in an IMMEDIATE transaction, so check-then-insert sequences hold the
    /// write lock from their first read, even against other processes (the admin CLI).
    func writeImmediately<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }
}

extension SQLiteStore {
    /// `wal` for a pool: readers never wait for the writer.
    public func journalMode() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }
}
