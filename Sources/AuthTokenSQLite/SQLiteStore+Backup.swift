import AuthTokenStore
import Foundation
import GRDB

/// Backups of the SQLite database (`authtoken-admin backup`, `restore`, `verify`), through
/// SQLite's online backup: one read transaction's snapshot, consistent while the server
/// goes on writing.
extension SQLiteStore {
    public struct BackupError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Copies the database to a new file at `path` (refused if it exists).
    public func backup(to path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw BackupError(description: "\(path) exists already; choose a new file")
        }
        let destination = try DatabaseQueue(path: path)
        try pool.backup(to: destination)
        try destination.close()
    }

    /// Checks a database file: SQLite's integrity check passes, its schema is a version
    /// this program knows, and every table can be counted. The counts, in
    /// `TransferTable.all` order.
    public static func verify(_ path: String) throws -> [(table: String, rows: Int)] {
        guard FileManager.default.fileExists(atPath: path) else { throw BackupError(description: "no file at \(path)") }
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            let check = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            guard check == ["ok"] else {
                throw BackupError(description: "integrity check failed: \(check.prefix(5).joined(separator: "; "))")
            }
            let applied = try SQLiteMigrations.migrator.appliedMigrations(db)
            let known = SQLiteMigrations.migrator.migrations
            guard applied.allSatisfy(known.contains) else {
                throw BackupError(description: "made by a newer authtoken (migrations unknown here: "
                    + applied.filter { !known.contains($0) }.joined(separator: ", ") + ")")
            }
            return try TransferTable.all.map { table in
                (table.name, try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.name)") ?? 0)
            }
        }
    }

    /// Replaces the database at `path` with the backup at `from`, after verifying it; then
    /// brings it to this program's schema. Stop the server first.
    public static func restore(from backup: String, to path: String) throws {
        _ = try verify(backup)
        let source = try DatabaseQueue(path: backup, configuration: { var c = Configuration(); c.readonly = true; return c }())
        defer { try? source.close() }
        let destination = try DatabasePool(path: path)
        try source.backup(to: destination)
        try SQLiteMigrations.migrator.migrate(destination)
        try destination.close()
    }
}
