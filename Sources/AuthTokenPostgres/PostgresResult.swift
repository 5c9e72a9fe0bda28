import CLibPQ

/// The rows of one statement's result; it owns the libpq `PGresult` and frees it.
///
/// Like the connection it came from, it belongs to one thread: read what you need and
/// let it go.
public final class PostgresResult {
    let pointer: OpaquePointer
    public let rowCount: Int
    public let columnCount: Int

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
        rowCount = Int(PQntuples(pointer))
        columnCount = Int(PQnfields(pointer))
    }

    deinit { PQclear(pointer) }

    /// The rows an INSERT, UPDATE, DELETE (...) touched, from the command tag; nil for
    /// commands that report none.
    public var affectedRows: Int? {
        guard let tuples = PQcmdTuples(pointer) else { return nil }
        return Int(String(cString: tuples))
    }

    public func columnName(_ column: Int) -> String {
        String(cString: PQfname(pointer, Int32(column)))
    }

    /// The index of the column called `name`, or nil.
    public func columnIndex(_ name: String) -> Int? {
        for column in 0..<columnCount where columnName(column) == name { return column }
        return nil
    }

    /// The type of the column (its OID in `pg_type`).
    public func columnType(_ column: Int) -> UInt32 {
        UInt32(PQftype(pointer, Int32(column)))
    }
}

extension PostgresResult: RandomAccessCollection {
    public var startIndex: Int { 0 }
    public var endIndex: Int { rowCount }

    public subscript(row: Int) -> PostgresRow {
        precondition(row >= 0 && row < rowCount, "row \(row) out of 0..<\(rowCount)")
        return PostgresRow(result: self, row: row)
    }
}

/// One row of a `PostgresResult`; the accessors in `PostgresRow+Decoding.swift` read
/// its columns by index or by name.
public struct PostgresRow {
    public let result: PostgresResult
    public let row: Int
}
