import AuthTokenPostgres
import Foundation
import Testing

/// The server the tests run against: scripts/test starts one with scripts/pg-cluster and
/// exports AUTHTOKEN_TEST_POSTGRES_URL and PGPASSFILE. Without them the tests fail, saying
/// so; they never skip quietly.
enum TestDatabase {
    struct NotConfigured: Error, CustomStringConvertible {
        var description: String
    }

    static func url() throws -> PostgresURL {
        let environment = ProcessInfo.processInfo.environment
        guard let text = environment["AUTHTOKEN_TEST_POSTGRES_URL"], !text.isEmpty else {
            throw NotConfigured(description: """
                AUTHTOKEN_TEST_POSTGRES_URL is not set: these tests need a real PostgreSQL. \
                Run scripts/test, or: URL=$(scripts/pg-cluster start /tmp/pg) && \
                AUTHTOKEN_TEST_POSTGRES_URL=$URL PGPASSFILE=/tmp/pg/pgpass swift test --filter AuthTokenPostgresTests
                """)
        }
        guard environment["PGPASSFILE"] != nil || environment["PGPASSWORD"] != nil else {
            throw NotConfigured(description: "PGPASSFILE is not set: point it at the cluster's DIR/pgpass")
        }
        return try PostgresURL(text)
    }

    static func connect() throws -> PostgresConnection {
        try PostgresConnection(url: url())
    }

    /// Runs `scripts/pg-cluster COMMAND DIR` on the cluster whose pgpass PGPASSFILE names.
    static func cluster(_ command: String) throws {
        guard let passfile = ProcessInfo.processInfo.environment["PGPASSFILE"] else {
            throw NotConfigured(description: "PGPASSFILE is not set, so the cluster directory is unknown")
        }
        let directory = URL(fileURLWithPath: passfile).deletingLastPathComponent().path
        let script = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/pg-cluster").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = [command, directory]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "scripts/pg-cluster \(command) failed")
    }

    /// A table name no other test (or earlier run) uses.
    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
    }
}

/// All tests that talk to the server run one at a time: one of them restarts it.
@Suite(.serialized) struct PostgresServerTests {}

struct Planned: Error {}
