extension PostgresConnections {
    /// Runs `call`, and once more when it failed because the server went away before
    /// anything could have changed (`PostgresError.isSafeToRunAgain`): a primary that died
    /// or stepped down under a read or an uncommitted transaction. The second run opens a
    /// new connection, which waits up to `primaryWait` for a server that accepts writes, so
    /// a failover or a switchover makes the call late, not failed (docs/ha.md). A failure
    /// during COMMIT is not run again here: the transaction may have committed.
    func again<T>(_ call: () throws -> T) throws -> T {
        do {
            return try call()
        } catch let error as PostgresError where error.isSafeToRunAgain {
            return try call()
        }
    }
}
