import ArgumentParser
import AuthTokenBackends
import AuthTokenConfig

/// Backups of the SQLite database: `backup` is safe while the server runs (SQLite's online
/// backup copies one consistent moment); `restore` wants the server stopped.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Copy the database to a new file, consistent while the server runs.")
    @Argument(help: "The new file (it must not exist; created readable by its owner only).") var file: String

    func run() async throws {
        let database = try await AppConfiguration.load().databasePath
        let counts = try Backend.backup(database, to: file)
        print("backed up \(database) to \(file)")
        for (table, rows) in counts { print("  \(table)\t\(rows)") }
    }
}

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Check a backup (or the database): integrity, schema, row counts.")
    @Argument(help: "The file to check (default: the configured database).") var file: String?

    func run() async throws {
        let path: String
        if let file { path = file } else { path = try await AppConfiguration.load().databasePath }
        let counts = try Backend.verify(path)
        print("\(path): integrity ok")
        for (table, rows) in counts { print("  \(table)\t\(rows)") }
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Replace the database with a verified backup. Stop the server first.")
    @Argument(help: "The backup file.") var file: String

    func run() async throws {
        let database = try await AppConfiguration.load().databasePath
        try Backend.restore(database, from: file)
        print("restored \(database) from \(file)")
    }
}
