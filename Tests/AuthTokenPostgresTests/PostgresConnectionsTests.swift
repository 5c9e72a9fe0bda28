import AuthTokenPostgres
import Foundation
import Synchronization
import Testing

extension PostgresServerTests {
    @Test func eachThreadGetsItsOwnConnection() throws {
        let connections = try PostgresConnections(url: try TestDatabase.url())
        let pids = Mutex<[Int32]>([])
        let failures = Mutex<[String]>([])
        let done = DispatchGroup()
        for _ in 0..<4 {
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
                do {
                    let first = try connections.withConnection { $0.backendPID }
                    let again = try connections.withConnection { c in
                        try c.executePrepared("SELECT pg_backend_pid()").first!.int64(0)
                    }
                    if Int64(first) != again { failures.withLock { $0.append("pid changed on one thread") } }
                    pids.withLock { $0.append(first) }
                    connections.closeThreadConnection()
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        done.wait()
        #expect(failures.withLock { $0 } == [])
        #expect(Set(pids.withLock { $0 }).count == 4)
    }

    /// A backend the server terminated while the connection sat idle: noticed before the
    /// next statement is sent (nothing ran), so that call succeeds on a new connection.
    @Test func aTerminatedBackendIsReplacedBeforeTheNextCall() throws {
        let url = try TestDatabase.url()
        let connections = try PostgresConnections(url: url)
        defer { connections.closeThreadConnection() }
        let before = try connections.withConnection { c in
            try c.executePrepared("SELECT $1::int8", [1])
            return c.backendPID
        }
        let other = try PostgresConnection(url: url)
        #expect(try other.execute("SELECT pg_terminate_backend($1::int4)", [before]).first?.bool(0) == true)
        // The backend process has gone (its socket is closed) within 10 s.
        for _ in 0..<100 {
            guard try other.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = $1::int4", [before])
                .first?.int64(0) != 0 else { break }
            usleep(100_000)
        }
        let after = try connections.withConnection { (c: PostgresConnection) throws -> Int32 in
            #expect(try c.executePrepared("SELECT $1::int8", [3]).first?.int64(0) == 3)
            return c.backendPID
        }
        #expect(after != before)
    }

    /// A server restart between two calls: the first call after it succeeds.
    @Test func aServerRestartIsNoticedBeforeTheNextCall() throws {
        let connections = try PostgresConnections(url: try TestDatabase.url())
        defer { connections.closeThreadConnection() }
        let before = try connections.withConnection { c in
            try c.executePrepared("SELECT 1")
            return c.backendPID
        }
        try TestDatabase.cluster("restart")

        let after = try connections.withConnection { (c: PostgresConnection) throws -> Int32 in
            #expect(try c.executePrepared("SELECT 2").first?.int64(0) == 2)
            return c.backendPID
        }
        #expect(after != before)
    }

    @Test func aBrokenConnectionRefusesFurtherCalls() throws {
        let url = try TestDatabase.url()
        let connection = try PostgresConnection(url: url)
        let other = try PostgresConnection(url: url)
        try other.execute("SELECT pg_terminate_backend($1::int4)", [connection.backendPID])
        #expect(throws: PostgresError.self) { try connection.execute("SELECT 1") }
        #expect(connection.isBroken)
        let again = try #require(throws: PostgresError.self) { try connection.execute("SELECT 1") }
        #expect(again.kind == .connection)
    }

    @Test func advisoryLockIsHeldWhileTheBodyRuns() throws {
        let url = try TestDatabase.url()
        let connections = try PostgresConnections(url: url)
        let other = try PostgresConnection(url: url)
        let key: Int64 = 0x6175_7468_746f_6b65
        let heldElsewhere = try connections.withAdvisoryLock(key) { lockConnection in
            let taken = try other.execute("SELECT pg_try_advisory_lock($1::int8)", [key]).first!.bool(0)
            #expect(try lockConnection.execute("SELECT 1").first?.int64(0) == 1)
            return !taken
        }
        #expect(heldElsewhere)
        #expect(try other.execute("SELECT pg_try_advisory_lock($1::int8)", [key]).first?.bool(0) == true)
        try other.execute("SELECT pg_advisory_unlock($1::int8)", [key])
    }
}
