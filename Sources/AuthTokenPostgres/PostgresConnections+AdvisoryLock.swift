extension PostgresConnections {
    /// Runs `body` holding the session-level advisory lock `key` (`pg_advisory_lock`),
    /// on a dedicated connection opened for it and closed afterwards: for migrations, so
    /// that instances starting together apply them one at a time. Waits for the lock as
    /// long as another session holds it. The lock goes when the connection closes, even
    /// if the explicit unlock could not run.
    public func withAdvisoryLock<T>(_ key: Int64, _ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try open()
        defer { connection.close() }
        try connection.execute("SELECT pg_advisory_lock($1::int8)", [key])
        let value = try body(connection)
        try connection.execute("SELECT pg_advisory_unlock($1::int8)", [key])
        return value
    }
}
