import CLibPQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One libpq connection. It is not shared between threads: `PostgresConnections` gives
/// each thread its own, and a migration its own (`withAdvisoryLock`).
///
/// After a failure that leaves libpq's connection bad (the server restarted, the backend
/// was terminated, the network went), `isBroken` is true and every further call throws
/// `PostgresError.Kind.connection` at once: the owner opens a new connection instead.
/// Its prepared statements die with it.
public final class PostgresConnection {
    public let url: PostgresURL
    var handle: OpaquePointer?
    /// Prepared statement names by SQL text, for `executePrepared`.
    var statements: [String: String] = [:]
    public internal(set) var isBroken = false

    /// Connects (blocking) with `PQconnectdbParams`. The password, when the URL has none,
    /// comes from `PGPASSWORD` or the password file (`PGPASSFILE`, `~/.pgpass`), as libpq
    /// looks for it. `client_encoding` is UTF8, and `connect_timeout` 10 s unless the URL
    /// sets them.
    public init(url: PostgresURL) throws(PostgresError) {
        self.url = url
        var pairs = url.keywords
        let given = Set(pairs.map(\.keyword))
        for (keyword, value) in [("client_encoding", "UTF8"), ("connect_timeout", "10")] where !given.contains(keyword) {
            pairs.append((keyword, value))
        }
        let connection = Self.withCStrings(pairs.map(\.keyword)) { keywords in
            Self.withCStrings(pairs.map(\.value)) { values in
                PQconnectdbParams(keywords, values, 0)
            }
        }
        guard let connection else {
            throw PostgresError(.connection, "libpq could not allocate a connection to \(url.redacted)")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(connection)) ?? "connection failed"
            PQfinish(connection)
            throw PostgresError(.connection, message)
        }
        // Notices (e.g. "there is no transaction in progress") would go to stderr.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        handle = connection
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Closes the connection; any further call throws.
    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
        statements = [:]
        isBroken = true
    }

    /// Marks the connection broken when the server has closed it while it sat idle: a
    /// restarted or terminated server leaves an idle connection readable (its last message,
    /// then end of file), and an idle connection of ours is otherwise never sent anything
    /// (no LISTEN). Found before a statement is sent, so nothing can have run and the owner
    /// can open a new connection without failing the call. One `poll` with no wait.
    func noticeServerGoneWhileIdle() {
        guard !isBroken, let handle, PQtransactionStatus(handle) == PQTRANS_IDLE else { return }
        var socket = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        guard socket.fd >= 0, poll(&socket, 1, 0) > 0 else { return }
        isBroken = true
    }

    /// The server process serving this connection (for `pg_terminate_backend` and logs).
    public var backendPID: Int32 {
        handle.map { PQbackendPID($0) } ?? 0
    }

    /// The server's version as an integer: 150018 for 15.18.
    public var serverVersion: Int {
        handle.map { Int(PQserverVersion($0)) } ?? 0
    }

    /// How many statements `executePrepared` has prepared on this connection.
    public var preparedStatementCount: Int { statements.count }

    /// True inside BEGIN ... COMMIT/ROLLBACK (also in a failed transaction).
    public var isInTransaction: Bool {
        guard let handle else { return false }
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    // MARK: Helpers

    /// The handle, unless the connection is broken or closed.
    func usableHandle() throws(PostgresError) -> OpaquePointer {
        guard !isBroken, let handle else {
            throw PostgresError(.connection, "the connection is broken or closed; open a new one")
        }
        return handle
    }

    static func trimmed(_ text: UnsafePointer<CChar>?) -> String? {
        guard let text else { return nil }
        var string = String(cString: text)
        while string.last?.isNewline == true || string.last == " " { string.removeLast() }
        return string.isEmpty ? nil : string
    }

    /// Calls `body` with a NULL-terminated array of C strings.
    static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } } + [nil]
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
