/// A failure from libpq or from the server, with the SQLSTATE when the server sent one.
///
/// `message` is the server's primary message (or libpq's text for a failure on the client
/// side); neither includes the password.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Could not connect, or the connection broke: the connection is unusable now,
        /// and its owner opens a new one on the next use.
        case connection
        /// The server refused the statement; the connection stays usable.
        case server
        /// Misuse caught before anything was sent: a NUL character in a parameter, a
        /// nested transaction, a broken connection used again.
        case usage
        /// A value in a result is not of the type or form asked for.
        case decoding
    }

    public var kind: Kind
    /// The five-character SQLSTATE (`23505`), when the server sent one.
    public var sqlState: String?
    public var message: String
    public var detail: String?
    /// The constraint that failed (`PG_DIAG_CONSTRAINT_NAME`), for integrity violations.
    public var constraint: String?
    /// The connection failed while COMMIT was under way: the transaction may or may not
    /// have committed (`PostgresStore.transaction(_:landed:)` finds out).
    public var duringCommit = false

    public init(
        _ kind: Kind, _ message: String, sqlState: String? = nil, detail: String? = nil,
        constraint: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.constraint = constraint
    }

    public var description: String {
        var text = "PostgreSQL \(kind) error"
        if let sqlState { text += " \(sqlState)" }
        text += ": \(message)"
        if let detail { text += " (\(detail))" }
        return text
    }
}

extension PostgresError {
    /// 23505: a unique or primary-key constraint refused the row.
    public var isUniqueViolation: Bool { sqlState == "23505" }
    /// 40001: a SERIALIZABLE (or REPEATABLE READ) transaction lost; retry it whole.
    public var isSerializationFailure: Bool { sqlState == "40001" }
    /// 40P01: the server broke a deadlock by failing this transaction; retry it whole.
    public var isDeadlock: Bool { sqlState == "40P01" }
    /// The connection is gone: the next use through `PostgresConnections` reconnects.
    public var isConnectionFailure: Bool { kind == .connection }
    /// The server this connection reached is no place for our statements any more: it is
    /// a standby (25006, read_only_sql_transaction: a write reached a server that is, or
    /// became, read-only), it is shutting down or crashed (57P01, 57P02), not ready yet
    /// (57P03), or the connection failed (class 08). Such a connection is given up, never
    /// used again: the next call opens a new one, which a multi-host URL with
    /// `target_session_attrs=read-write` takes to the primary (docs/ha.md).
    static func meansServerLost(_ sqlState: String?) -> Bool {
        guard let sqlState else { return false }
        return sqlState == "25006" || sqlState == "57P01" || sqlState == "57P02" || sqlState == "57P03"
            || sqlState.hasPrefix("08")
    }

    /// The server went away before this call could have changed anything (a broken
    /// connection inside a transaction before its COMMIT, or under a read): worth running
    /// the call again on a new connection, which waits for the primary.
    public var isSafeToRunAgain: Bool { isConnectionFailure && !duringCommit }

    var markedDuringCommit: PostgresError {
        var error = self
        error.duringCommit = true
        return error
    }

    /// Worth running the whole transaction again on the same connection.
    public var isTransient: Bool { isSerializationFailure || isDeadlock }
}
