import AuthTokenSQL
import Foundation
import GRDB

/// GRDB's connection runs the shared statements (their `?` text, cached per connection).
extension Database: SQLExecutor {
    public func rows(_ statement: SQLStatement, _ arguments: [SQLValue]) throws -> [Row] {
        try Row.fetchAll(cachedStatement(sql: statement.sqlite), arguments: Self.arguments(arguments))
    }

    public func run(_ statement: SQLStatement, _ arguments: [SQLValue]) throws -> Int {
        try cachedStatement(sql: statement.sqlite).execute(arguments: Self.arguments(arguments))
        return changesCount
    }

    static func arguments(_ values: [SQLValue]) -> StatementArguments {
        StatementArguments(values.map { value -> DatabaseValueConvertible in
            switch value {
            case .null: DatabaseValue.null
            case .integer(let number): number
            case .text(let text): text
            case .bytes(let bytes): Data(bytes)
            case .bool(let flag): flag
            }
        })
    }
}

/// GRDB's row, read by index (booleans are stored as 0 and 1, bytes as blobs).
extension Row: SQLRowReading {
    public func int64(_ column: Int) throws -> Int64 { self[column] }
    public func optionalInt64(_ column: Int) throws -> Int64? { self[column] }
    public func string(_ column: Int) throws -> String { self[column] }
    public func optionalString(_ column: Int) throws -> String? { self[column] }
    public func bool(_ column: Int) throws -> Bool { self[column] }
    public func bytes(_ column: Int) throws -> [UInt8] { [UInt8](self[column] as Data) }
}
