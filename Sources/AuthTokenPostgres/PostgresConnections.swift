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
/// A thread's connection closes when the thread exits, and every thread's when this
/// object goes (`ThreadLocal`). Each thread holds one server connection for its life, so
/// size `max_connections` for the worker threads of every instance.
public final class PostgresConnections: Sendable {
    public let url: PostgresURL
    private let threadConnections: ThreadLocal<PostgresConnection>

    public init(url: PostgresURL) throws {
        self.url = url
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
        let connection = try PostgresConnection(url: url)
        threadConnections.value = connection
        return connection
    }
}
