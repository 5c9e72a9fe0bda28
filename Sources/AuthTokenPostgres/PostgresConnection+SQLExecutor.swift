import AuthTokenSQL

/// A connection runs the shared statements as prepared statements (their `$n` text).
extension PostgresConnection: SQLExecutor {
    public func rows(_ statement: SQLStatement, _ arguments: [SQLValue]) throws -> [PostgresRow] {
        Array(try executePrepared(statement.postgres, arguments.map(Self.parameter)))
    }

    public func run(_ statement: SQLStatement, _ arguments: [SQLValue]) throws -> Int {
        try executePrepared(statement.postgres, arguments.map(Self.parameter)).affectedRows ?? 0
    }

    static func parameter(_ value: SQLValue) -> (any PostgresParameter)? {
        switch value {
        case .null: nil
        case .integer(let number): number
        case .text(let text): text
        case .bytes(let bytes): bytes
        case .bool(let flag): flag
        }
    }
}

/// The accessors of `PostgresRow+Decoding.swift` read the shared records.
extension PostgresRow: SQLRowReading {}
