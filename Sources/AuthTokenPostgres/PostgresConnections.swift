import Foundation
import Lifecycle

/// One connection per calling thread, opened on first use, for a thread-per-request
/// server: no pool lock to contend for, and each thread's prepared statements stay warm.
///
/// A connection the server closed while it sat idle (a restart, a terminated backend) is
/// noticed before the next statement is sent and replaced, so that call succeeds. A call
/// that fails because the connection broke during it throws (`isConnectionFailure`); the
/// thread's next call opens a new connection. Nothing is retried behind the caller's
/// back, since a statement that may have run must not run twice unasked.
///
/// With a multi-host URL (a highly available cluster, docs/ha.md) a new connection is one
/// to the server that accepts writes, and while none does (a failover under way) opening
/// one waits for it, up to `primaryWait`: the call is late, not failed. Nothing has been
/// sent while a connection is being opened, so that wait is safe for writes too.
///
/// A thread's connection closes when the thread exits, and every thread's when this
/// object goes (`ThreadLocal`). Each thread holds one server connection for its life, so
/// size `max_connections` for the worker threads of every instance.
public final class PostgresConnections: Sendable {
    public let url: PostgresURL
    /// How long opening a connection waits for a server that accepts writes, in seconds:
    /// with several servers, 30 (Patroni's default ttl, the longest a failover takes); with
    /// one, 0 (a lost server fails the call at once, as before).
    public let primaryWait: Double
    private let threadConnections: ThreadLocal<PostgresConnection>

    public init(url: PostgresURL, primaryWait: Double? = nil) throws {
        self.url = url
        self.primaryWait = primaryWait ?? (url.followsPrimary ? 30 : 0)
        threadConnections = try ThreadLocal(onRelease: { $0.close() })
    }

    /// Runs `body` with the calling thread's connection, opening (or reopening, after a
    /// failure broke the last one) it first.
    public func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try body(threadConnection())
    }

    /// Runs `body` in a transaction on the calling thread's connection (see
    /// `PostgresConnection.transaction`).
    public func transaction<T>(
        isolation: PostgresIsolation = .readCommitted, maxAttempts: Int = 1,
        _ body: (PostgresConnection) throws -> T
    ) throws -> T {
        try threadConnection().transaction(isolation: isolation, maxAttempts: maxAttempts, body)
    }

    /// Closes the calling thread's connection, if it has one.
    public func closeThreadConnection() {
        threadConnections.value = nil
    }

    private func threadConnection() throws(PostgresError) -> PostgresConnection {
        if let connection = threadConnections.value {
            connection.noticeServerGoneWhileIdle()
            if !connection.isBroken { return connection }
            closeThreadConnection()
        }
        let connection = try open()
        threadConnections.value = connection
        return connection
    }

    /// A new connection; while the servers refuse (none accepts writes yet), tried again
    /// every 50 ms to 0.5 s until `primaryWait` has passed.
    func open() throws(PostgresError) -> PostgresConnection {
        let deadline = Date().addingTimeInterval(primaryWait)
        var pause = 0.05
        while true {
            do throws(PostgresError) {
                return try PostgresConnection(url: url)
            } catch where Date() < deadline {
                Thread.sleep(forTimeInterval: pause)
                pause = min(pause * 2, 0.5)
            }
        }
    }
}
