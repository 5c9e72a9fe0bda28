import AuthTokenPostgres
import Foundation
import Testing

/// What makes instances follow the primary of a highly available cluster (docs/ha.md).
extension PostgresServerTests {
    /// A write refused as read-only (25006: the server is, or became, a standby) gives
    /// the connection up: the thread's next call opens a new one, never reusing it.
    @Test func aReadOnlyRefusalGivesTheConnectionUp() throws {
        let connections = try PostgresConnections(url: try TestDatabase.url())
        defer { connections.closeThreadConnection() }
        let table = TestDatabase.uniqueName("readonly")
        let before = try connections.withConnection { c in
            try c.execute("CREATE TABLE \(table) (x int)")
            // What a connection to a standby sees: every transaction read-only.
            try c.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            return c.backendPID
        }
        let error = try #require(throws: PostgresError.self) {
            try connections.withConnection { try $0.executePrepared("INSERT INTO \(table) VALUES (1)") }
        }
        #expect(error.sqlState == "25006")
        #expect(error.kind == .connection)
        let after = try connections.withConnection { (c: PostgresConnection) throws -> Int32 in
            try c.executePrepared("INSERT INTO \(table) VALUES (2)")
            return c.backendPID
        }
        #expect(after != before)
        #expect(try connections.withConnection { try $0.execute("SELECT sum(x) FROM \(table)").first?.int64(0) } == 2)
        try connections.withConnection { _ = try $0.execute("DROP TABLE \(table)") }
    }

    /// With several servers and none accepting connections (a failover under way),
    /// opening a connection waits for one instead of failing the call.
    @Test func aMultiHostURLWaitsForAPrimary() throws {
        let single = try TestDatabase.url()
        var url = single
        // A first server where nothing listens, as a dead primary; then the real one.
        url.servers.insert(.init(host: "127.0.0.1", port: 1), at: 0)
        url.options.append(.init(key: "target_session_attrs", value: "read-write"))
        url = try PostgresURL(url.redacted)  // the multi-host form parses
        #expect(url.followsPrimary)
        let connections = try PostgresConnections(url: url)
        #expect(connections.primaryWait == 30)
        defer { connections.closeThreadConnection() }
        try TestDatabase.cluster("stop")
        let restarted = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 1.5)
            try? TestDatabase.cluster("start")
            restarted.signal()
        }
        // The server is back for the next test, whatever happens here.
        defer { restarted.wait() }
        let started = Date()
        let answer = try connections.withConnection { try $0.execute("SELECT 7").first?.int64(0) }
        #expect(answer == 7)
        #expect(Date().timeIntervalSince(started) >= 1.0)
        // One server: no wait, the call fails at once (as before).
        #expect(try PostgresConnections(url: single).primaryWait == 0)
    }
}
