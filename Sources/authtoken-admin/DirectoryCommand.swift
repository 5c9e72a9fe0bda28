import ArgumentParser
import AuthTokenCore

/// The directory's accounts (docs/directory.md): the sync on demand, and linking a local
/// account to its directory entry, which sign-in never does by itself.
struct DirectoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "directory",
        abstract: "Sync directory accounts, or link a local account to its directory entry.",
        subcommands: [Sync.self, Link.self])

    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deactivate the accounts of people gone, disabled or out of the required group; activate those back.")
        @Flag(help: "Report what would change, and change nothing.") var dryRun = false
        @Flag(help: "Apply even more deactivations than AUTHTOKEN_DIRECTORY_MAX_DEACTIVATE_PERCENT allows.") var force = false

        func run() async throws {
            let context = try await AdminContext.open()
            let report = try context.auth.directory.sync(dryRun: dryRun, force: force, client: AdminContext.client)
            for line in report.deactivated { print("\(dryRun ? "would deactivate" : "deactivated"): \(line)") }
            for line in report.reactivated { print("\(dryRun ? "would activate" : "activated"): \(line)") }
            for line in report.adminChanges { print("\(dryRun ? "would change" : "changed"): \(line)") }
            print(report.summary)
            if report.refused != nil { throw ExitCode(3) }
        }
    }

    struct Link: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a local account a directory account (its local password is removed).")
        @Argument(help: "The account's e-mail address, which must be its directory entry's mail.") var email: String

        func run() async throws {
            let context = try await AdminContext.open()
            let account = try context.auth.directory.link(email: email, client: AdminContext.client)
            print("\(account.email): linked to the directory; it signs in with its directory password")
        }
    }
}
