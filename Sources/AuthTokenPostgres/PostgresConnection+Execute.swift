import CLibPQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension PostgresConnection {
    /// Runs `sql` once with `PQexecParams`: `$1`, `$2`, ... take `parameters` in text
    /// format (`nil` is NULL). For statements that run often, `executePrepared`.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [(any PostgresParameter)?] = []) throws(PostgresError) -> PostgresResult {
        let handle = try usableHandle()
        let texts = try Self.texts(parameters)
        let result = Self.withParameterPointers(texts) { count, values in
            PQexecParams(handle, sql, count, nil, values, nil, nil, 0)
        }
        return try check(result)
    }

    /// Runs `sql` as a prepared statement: prepared (`PQprepare`) on its first use on this
    /// connection, then executed by name (`PQexecPrepared`). The statement is cached by its
    /// SQL text, so pass the same text each time and vary only the parameters.
    @discardableResult
    public func executePrepared(_ sql: String, _ parameters: [(any PostgresParameter)?] = []) throws(PostgresError) -> PostgresResult {
        let handle = try usableHandle()
        let texts = try Self.texts(parameters)
        let name: String
        if let known = statements[sql] {
            name = known
        } else {
            name = "authtoken_\(statements.count + 1)"
            // Types are left to the server (nil), as for execute.
            _ = try check(PQprepare(handle, name, sql, 0, nil))
            statements[sql] = name
        }
        let result = Self.withParameterPointers(texts) { count, values in
            PQexecPrepared(handle, name, count, values, nil, nil, 0)
        }
        return try check(result)
    }

    /// Runs `sql`, which may hold several statements separated by semicolons, with
    /// `PQexec` and no parameters: for migrations and schema scripts. Outside a
    /// transaction the statements run in one implicit transaction; the first error stops
    /// and rolls back the whole script.
    public func executeScript(_ sql: String) throws(PostgresError) {
        let handle = try usableHandle()
        _ = try check(PQexec(handle, sql))
    }

    /// Turns a libpq result into a `PostgresResult`, or into the error it reports (then
    /// marking the connection broken when libpq's connection is no longer OK).
    func check(_ result: OpaquePointer?) throws(PostgresError) -> PostgresResult {
        if let result {
            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                return PostgresResult(result)
            default:
                break
            }
        }
        let error = failure(result)
        if let result { PQclear(result) }
        throw error
    }

    private func failure(_ result: OpaquePointer?) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let result else { return nil }
            return Self.trimmed(PQresultErrorField(result, Int32(code.asciiValue!)))
        }
        let sqlState = field("C")
        var message = field("M")
        if message == nil, let result { message = Self.trimmed(PQresultErrorMessage(result)) }
        if message == nil, let handle { message = Self.trimmed(PQerrorMessage(handle)) }
        var kind = PostgresError.Kind.server
        let status = result.map { PQresultStatus($0) }
        if let handle, PQstatus(handle) != CONNECTION_OK || PQtransactionStatus(handle) == PQTRANS_UNKNOWN {
            isBroken = true
            kind = .connection
            // libpq's own text says what happened to the connection ("server closed the
            // connection unexpectedly"); the server's last word, if any, is the detail.
            let connectionMessage = Self.trimmed(PQerrorMessage(handle))
            if let connectionMessage, connectionMessage != message {
                return PostgresError(
                    kind, connectionMessage, sqlState: sqlState, detail: message, constraint: field("n"))
            }
        } else if handle != nil, PostgresError.meansServerLost(sqlState) {
            // A standby (a write refused as read-only), or a server going away: this
            // connection is given up, never reused.
            isBroken = true
            kind = .connection
        } else if status != PGRES_FATAL_ERROR && status != PGRES_NONFATAL_ERROR && result != nil {
            // COPY and other modes this client does not speak leave the connection in a
            // state no caller can use: give it up.
            isBroken = true
            kind = .usage
            message = "unsupported result status \(String(cString: PQresStatus(status!)))"
        }
        return PostgresError(
            kind, message ?? "unknown failure", sqlState: sqlState, detail: field("D"), constraint: field("n"))
    }

    /// The parameters' text forms; a NUL character cannot travel in text format.
    static func texts(_ parameters: [(any PostgresParameter)?]) throws(PostgresError) -> [String?] {
        var texts: [String?] = []
        texts.reserveCapacity(parameters.count)
        for (index, parameter) in parameters.enumerated() {
            guard let parameter else {
                texts.append(nil)
                continue
            }
            let text = parameter.postgresText
            if text.utf8.contains(0) {
                throw PostgresError(.usage, "parameter $\(index + 1) contains a NUL character, which PostgreSQL text cannot hold")
            }
            texts.append(text)
        }
        return texts
    }

    /// Calls `body` with the count and a C array of the texts (NULL for nil).
    static func withParameterPointers<R>(
        _ texts: [String?], _ body: (Int32, UnsafePointer<UnsafePointer<CChar>?>?) -> R
    ) -> R {
        if texts.isEmpty { return body(0, nil) }
        let copies = texts.map { $0.map { strdup($0)! } }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { $0.map { UnsafePointer<CChar>($0) } }
        return pointers.withUnsafeBufferPointer { body(Int32(texts.count), $0.baseAddress) }
    }
}
