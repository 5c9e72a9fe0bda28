import AuthTokenSQL
import AuthTokenStore
import Foundation
import GRDB

/// The embedded default backend: one SQLite file in WAL mode, through GRDB.
///
/// A `DatabasePool` gives concurrent readers and one serialized writer, which is what a
/// pool of FastCGI worker threads needs: token checks read in parallel while writes queue.
///
/// Most store methods are written once for both backends (`SQLStore`, in AuthTokenSQL);
/// this backend gives them its connections and implements itself only what differs: the
/// token check on per-thread readers, last-use writes, the throttle's upserts, migrations,
/// backup and transfer.
public final class SQLiteStore: SQLStore, Sendable {
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

    /// Runs `body` in an IMMEDIATE transaction, so check-then-insert sequences hold the
    /// write lock from their first read, even against other processes (the admin CLI).
    public func transaction<T>(_ body: (Database) throws -> T) throws -> T {
        try mapped {
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

    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try mapped { try pool.read(body) }
    }

    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        try mapped { try pool.write(body) }
    }

    /// SQLite sorts NULL lowest: never used comes last descending and first ascending.
    public static let nullsLast = "", nullsFirst = ""

    /// A unique violation on the e-mail key becomes `StoreError.duplicateEmail`.
    func mapped<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError
            where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE && error.message?.contains("account.email_key") == true
        {
            throw StoreError.duplicateEmail
        }
    }
}

extension SQLiteStore {
    /// `wal` for a pool: readers never wait for the writer.
    public func journalMode() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }
}
