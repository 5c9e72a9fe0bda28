import Foundation

/// One result row, read by column index: GRDB's `Row` and `PostgresRow` both conform, so
/// each record type decodes once (`TokenRecord(row:)`) for both backends.
///
/// Times are whole seconds since 1970 in both schemas; booleans are SQLite's 0 and 1 or
/// PostgreSQL's `boolean`, which each conformance reads as `Bool`.
public protocol SQLRowReading {
    func int64(_ column: Int) throws -> Int64
    func optionalInt64(_ column: Int) throws -> Int64?
    func string(_ column: Int) throws -> String
    func optionalString(_ column: Int) throws -> String?
    func bool(_ column: Int) throws -> Bool
    func bytes(_ column: Int) throws -> [UInt8]
}

extension SQLRowReading {
    @inlinable
    public func date(_ column: Int) throws -> Date {
        Date(timeIntervalSince1970: Double(try int64(column)))
    }

    @inlinable
    public func optionalDate(_ column: Int) throws -> Date? {
        try optionalInt64(column).map { Date(timeIntervalSince1970: Double($0)) }
    }

    @inlinable
    public func int(_ column: Int) throws -> Int {
        Int(try int64(column))
    }

    /// A comma-separated list (token scopes).
    @inlinable
    public func list(_ column: Int) throws -> [String] {
        try string(column).split(separator: ",").map(String.init)
    }
}
