/// One SQL statement, written once with `?` placeholders, in the text each backend runs:
/// SQLite reads `?` as it is; PostgreSQL gets `$1`, `$2` … in their place, numbered once
/// when the statement is made (a `static let` is made on first use), never per call.
///
/// Write only SQL both dialects read alike (no `?` inside string literals, no `::` casts,
/// booleans as `TRUE`/`FALSE` or bare columns, `RETURNING` rather than last-insert ids);
/// what differs stays in the backend (see docs/architecture.md, "The stores").
public struct SQLStatement: Sendable, Equatable, CustomStringConvertible {
    /// With `?` placeholders.
    public let sqlite: String
    /// With `$1`, `$2` … placeholders.
    public let postgres: String

    public init(_ sql: String) {
        sqlite = sql
        postgres = Self.numbered(sql)
    }

    public var description: String { sqlite }

    /// `?` placeholders as `$1`, `$2` …
    public static func numbered(_ sql: String) -> String {
        var result = ""
        result.reserveCapacity(sql.utf8.count + 8)
        var number = 0
        for character in sql {
            if character == "?" {
                number += 1
                result += "$\(number)"
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// Every statement the backends share, written once: each aggregate adds its own in an
/// extension next to the store methods that run it (`SQLStore+Tokens.swift`, ...).
public enum StoreSQL {}
