import CLibPQ

/// Type OIDs from `pg_type` that the accessors check against.
enum PostgresType {
    static let bool: UInt32 = 16
    static let bytea: UInt32 = 17
    static let int8: UInt32 = 20
    static let int2: UInt32 = 21
    static let int4: UInt32 = 23
    static let oid: UInt32 = 26
}

extension PostgresRow {
    public func isNull(_ column: Int) throws(PostgresError) -> Bool {
        try check(column)
        return PQgetisnull(result.pointer, Int32(row), Int32(column)) != 0
    }

    // MARK: Int64 (int2, int4, int8, oid)

    public func optionalInt64(_ column: Int) throws(PostgresError) -> Int64? {
        guard let bytes = try raw(column, types: [PostgresType.int8, PostgresType.int4, PostgresType.int2, PostgresType.oid], "an integer")
        else { return nil }
        guard let value = Self.parseInt64(bytes) else {
            throw decodingError(column, "'\(String(decoding: bytes, as: UTF8.self))' is not a 64-bit integer")
        }
        return value
    }

    public func int64(_ column: Int) throws(PostgresError) -> Int64 {
        try required(column, optionalInt64(column))
    }

    // MARK: String (any type, as PostgreSQL writes it in text)

    public func optionalString(_ column: Int) throws(PostgresError) -> String? {
        guard let bytes = try raw(column, types: nil, "text") else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func string(_ column: Int) throws(PostgresError) -> String {
        try required(column, optionalString(column))
    }

    // MARK: Bool

    public func optionalBool(_ column: Int) throws(PostgresError) -> Bool? {
        guard let bytes = try raw(column, types: [PostgresType.bool], "a boolean") else { return nil }
        switch bytes.first {
        case UInt8(ascii: "t") where bytes.count == 1: return true
        case UInt8(ascii: "f") where bytes.count == 1: return false
        default: throw decodingError(column, "'\(String(decoding: bytes, as: UTF8.self))' is not a boolean")
        }
    }

    public func bool(_ column: Int) throws(PostgresError) -> Bool {
        try required(column, optionalBool(column))
    }

    // MARK: [UInt8] (bytea in hex format)

    public func optionalBytes(_ column: Int) throws(PostgresError) -> [UInt8]? {
        guard let text = try raw(column, types: [PostgresType.bytea], "bytea") else { return nil }
        guard text.count >= 2, text[0] == UInt8(ascii: "\\"), text[1] == UInt8(ascii: "x"), text.count % 2 == 0 else {
            throw decodingError(column, "bytea is not in hex format (bytea_output = 'hex')")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity((text.count - 2) / 2)
        var index = 2
        while index < text.count {
            guard let high = Self.hexValue(text[index]), let low = Self.hexValue(text[index + 1]) else {
                throw decodingError(column, "bytea has a character that is not a hex digit")
            }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    public func bytes(_ column: Int) throws(PostgresError) -> [UInt8] {
        try required(column, optionalBytes(column))
    }

    // MARK: By column name

    public func int64(_ name: String) throws(PostgresError) -> Int64 { try int64(index(name)) }
    public func optionalInt64(_ name: String) throws(PostgresError) -> Int64? { try optionalInt64(index(name)) }
    public func string(_ name: String) throws(PostgresError) -> String { try string(index(name)) }
    public func optionalString(_ name: String) throws(PostgresError) -> String? { try optionalString(index(name)) }
    public func bool(_ name: String) throws(PostgresError) -> Bool { try bool(index(name)) }
    public func optionalBool(_ name: String) throws(PostgresError) -> Bool? { try optionalBool(index(name)) }
    public func bytes(_ name: String) throws(PostgresError) -> [UInt8] { try bytes(index(name)) }
    public func optionalBytes(_ name: String) throws(PostgresError) -> [UInt8]? { try optionalBytes(index(name)) }

    // MARK: Helpers

    private func index(_ name: String) throws(PostgresError) -> Int {
        guard let column = result.columnIndex(name) else {
            throw PostgresError(.decoding, "the result has no column '\(name)'")
        }
        return column
    }

    private func check(_ column: Int) throws(PostgresError) {
        guard column >= 0 && column < result.columnCount else {
            throw PostgresError(.decoding, "column \(column) out of 0..<\(result.columnCount)")
        }
    }

    /// The column's text bytes, or nil for NULL; `types` nil accepts any type.
    private func raw(_ column: Int, types: [UInt32]?, _ what: String) throws(PostgresError) -> UnsafeBufferPointer<UInt8>? {
        try check(column)
        if let types, !types.contains(result.columnType(column)) {
            throw decodingError(column, "its type (oid \(result.columnType(column))) is not \(what)")
        }
        let r = Int32(row), c = Int32(column)
        if PQgetisnull(result.pointer, r, c) != 0 { return nil }
        let length = Int(PQgetlength(result.pointer, r, c))
        let start = UnsafeRawPointer(PQgetvalue(result.pointer, r, c)!).assumingMemoryBound(to: UInt8.self)
        return UnsafeBufferPointer(start: start, count: length)
    }

    private func required<T>(_ column: Int, _ value: T?) throws(PostgresError) -> T {
        guard let value else { throw decodingError(column, "it is NULL") }
        return value
    }

    private func decodingError(_ column: Int, _ problem: String) -> PostgresError {
        PostgresError(.decoding, "column '\(result.columnName(column))' of row \(row): \(problem)")
    }

    static func parseInt64(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        var negative = false
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            index = 1
        }
        guard index < bytes.count else { return nil }
        var value: Int64 = 0
        while index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            // Accumulate negatively so that Int64.min fits.
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = times10.subtractingReportingOverflow(Int64(digit))
            guard !overflow1 && !overflow2 else { return nil }
            value = next
            index += 1
        }
        if negative { return value }
        let (positive, overflow) = Int64(0).subtractingReportingOverflow(value)
        return overflow ? nil : positive
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
