import ArgumentParser
import AuthTokenBackends
import AuthTokenConfig

/// Moving an installation from its SQLite file to PostgreSQL (docs/scaling.md says when and
/// how): stop the server, migrate, point AUTHTOKEN_DATABASE at the new database, start.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy the SQLite database into an empty PostgreSQL database.",
        discussion: """
            Copies everything (accounts, tokens, application passwords, two-factor, sessions, \
            activity) with its ids and digests, so tokens issued before keep working, then \
            compares every table's row count. All or nothing: on any error the target stays \
            empty. Stop the server first: what it writes during the copy is not copied. \
            The password of the PostgreSQL user goes in PGPASSWORD or a PGPASSFILE, not in the URL.
            """)

    @Option(help: "The PostgreSQL database to fill: postgresql://user@host:port/dbname (it must be empty).")
    var to: String

    @Option(help: "The SQLite file to copy (default: the configured AUTHTOKEN_DATABASE).")
    var from: String?

    func run() async throws {
        let source: String
        if let from {
            source = from
        } else {
            source = try await AppConfiguration.load().databasePath
        }
        let report = try Backend.migrate(from: source, to: to)
        print("copied \(source) to \(Backend.describe(to)):")
        for (table, rows) in report.copied {
            print("  \(table)\t\(rows)")
        }
        for (table, rows) in report.leftOut.sorted(by: { $0.key < $1.key }) {
            print("  left out: \(rows) rows of \(table) (application passwords made before look-up digests; they no longer work)")
        }
        print("row counts verified; set AUTHTOKEN_DATABASE=\(Backend.describe(to)) and start the server")
    }
}
