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

    /// Copies the database to a new file at `path`, made here with `O_CREAT | O_EXCL |
    /// O_NOFOLLOW` and mode 0600: an existing file or a link planted at `path` is refused,
    /// never followed. SQLite opens files by name (the copy and its journal), so it writes
    /// into a fresh private directory beside `path`, and the bytes then go through the
    /// descriptor opened here. The copy is verified there too (its row counts are
    /// returned), so SQLite never opens `path` or a `-wal`/`-shm` name beside it; and it is
    /// in rollback-journal mode, so opening it later needs no `-wal` or `-shm` file.
    public func backup(to path: String) throws -> [(table: String, rows: Int)] {
        let target = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard target >= 0 else {
            let reason = errno == EEXIST || errno == ELOOP ? "exists already; choose a new file" : String(cString: strerror(errno))
            throw BackupError(description: "\(path): \(reason)")
        }
        var written = false
        defer {
            close(target)
            if !written { unlink(path) }
        }
        let scratch = try Self.privateDirectory(beside: path)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let copy = scratch + "/backup.sqlite"
        let destination = try DatabaseQueue(path: copy)
        try pool.backup(to: destination)
        try destination.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = DELETE") }
        try destination.close()
        let counts = try Self.verify(copy)
        try Self.copyContents(of: copy, to: target)
        written = true
        return counts
    }

    /// A new directory, mode 0700, in the directory of `path`.
    static func privateDirectory(beside path: String) throws -> String {
        let parent = (path as NSString).deletingLastPathComponent
        var template = Array(((parent.isEmpty ? "." : parent) + "/.authtoken-backup-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw BackupError(description: "cannot make a scratch directory beside \(path): \(String(cString: strerror(errno)))")
        }
        return String(cString: made)
    }

    static func copyContents(of source: String, to descriptor: Int32) throws {
        guard let input = FileHandle(forReadingAtPath: source) else { throw BackupError(description: "cannot read \(source)") }
        defer { try? input.close() }
        let output = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
        while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
            try output.write(contentsOf: chunk)
        }
        guard fsync(descriptor) == 0 else { throw BackupError(description: "fsync: \(String(cString: strerror(errno)))") }
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
