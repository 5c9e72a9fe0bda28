import CLibPQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The isolation level of a transaction.
public enum PostgresIsolation: Sendable {
    case readCommitted, repeatableRead, serializable

    var sql: String {
        switch self {
        case .readCommitted: "READ COMMITTED"
        case .repeatableRead: "REPEATABLE READ"
        case .serializable: "SERIALIZABLE"
        }
    }
}

extension PostgresConnection {
    /// Runs `body` between BEGIN and COMMIT; any error from `body` or from COMMIT rolls
    /// back (unless the connection broke, which ends the transaction anyway) and is
    /// rethrown.
    ///
    /// With `maxAttempts` above 1, a transaction that fails with a serialization failure
    /// (40001) or a deadlock (40P01) runs again from BEGIN, after a short random pause,
    /// up to that many times in all: the way SERIALIZABLE is meant to be used. `body` must
    /// then be safe to run more than once (nothing outside the database).
    public func transaction<T>(
        isolation: PostgresIsolation = .readCommitted, maxAttempts: Int = 1,
        _ body: (PostgresConnection) throws -> T
    ) throws -> T {
        precondition(maxAttempts >= 1, "maxAttempts must be at least 1")
        var attempt = 1
        while true {
            do {
                return try transactionOnce(isolation, body)
            } catch let error as PostgresError where error.isTransient && attempt < maxAttempts && !isBroken {
                attempt += 1
                // Up to 1, 2, 4, ... ms, so that colliding transactions stagger.
                usleep(UInt32.random(in: 0...(1000 << min(attempt - 2, 6))))
            }
        }
    }

    private func transactionOnce<T>(_ isolation: PostgresIsolation, _ body: (PostgresConnection) throws -> T) throws -> T {
        let handle = try usableHandle()
        guard PQtransactionStatus(handle) == PQTRANS_IDLE else {
            throw PostgresError(.usage, "a transaction is already open on this connection")
        }
        try executePrepared(isolation == .readCommitted ? "BEGIN" : "BEGIN ISOLATION LEVEL \(isolation.sql)")
        do {
            let value = try body(self)
            // COMMIT would quietly roll back a transaction that a caught error aborted.
            if let handle = self.handle, PQtransactionStatus(handle) == PQTRANS_INERROR {
                throw PostgresError(.usage, "a statement in the transaction failed; it was rolled back, not committed")
            }
            do {
                try executePrepared("COMMIT")
            } catch {
                throw error.isConnectionFailure ? error.markedDuringCommit : error
            }
            return value
        } catch {
            rollbackAfterFailure()
            throw error
        }
    }

    /// Ends a failed transaction. A connection that cannot even roll back is given up.
    private func rollbackAfterFailure() {
        guard !isBroken, let handle, PQtransactionStatus(handle) != PQTRANS_IDLE else { return }
        do {
            try executePrepared("ROLLBACK")
        } catch {
            close()
        }
    }
}
