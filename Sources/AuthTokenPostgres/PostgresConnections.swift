#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One connection per calling thread, opened on first use, for a thread-per-request
/// server: no pool lock to contend for, and each thread's prepared statements stay warm.
///
/// A connection the server closed while it sat idle (a restart, a terminated backend) is
/// noticed before the next statement is sent and replaced, so that call succeeds. A call
/// that fails because the connection broke during it throws (`isConnectionFailure`); the
/// thread's next call opens a new connection. Nothing is retried behind the caller's
/// back, since a statement that may have run must not run twice unasked.
///
/// A thread's connection closes when the thread exits (the pthread key's destructor).
/// Each thread holds one server connection for its life, so size `max_connections` for
/// the worker threads of every instance. Deinitialising this object deletes the key
/// without closing other threads' connections (pthread gives no way to reach them):
/// keep one instance for the process's life.
public final class PostgresConnections: Sendable {
    public let url: PostgresURL
    private let key: pthread_key_t

    public init(url: PostgresURL) {
        self.url = url
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { raw in
            if let raw { Unmanaged<PostgresConnection>.fromOpaque(raw).release() }
        }
        precondition(status == 0, "pthread_key_create failed: \(status)")
        self.key = key
    }

    deinit {
        closeThreadConnection()
        pthread_key_delete(key)
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
        guard let raw = pthread_getspecific(key) else { return }
        pthread_setspecific(key, nil)
        let connection = Unmanaged<PostgresConnection>.fromOpaque(raw)
        connection.takeUnretainedValue().close()
        connection.release()
    }

    private func threadConnection() throws(PostgresError) -> PostgresConnection {
        if let raw = pthread_getspecific(key) {
            let connection = Unmanaged<PostgresConnection>.fromOpaque(raw).takeUnretainedValue()
            connection.noticeServerGoneWhileIdle()
            if !connection.isBroken { return connection }
            closeThreadConnection()
        }
        let connection = try PostgresConnection(url: url)
        pthread_setspecific(key, Unmanaged.passRetained(connection).toOpaque())
        return connection
    }
}
