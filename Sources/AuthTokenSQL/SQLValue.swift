import Foundation

/// A statement argument, as both backends bind it: SQLite binds booleans as 0 and 1 and
/// PostgreSQL as `t` and `f`; times are whole seconds since 1970 in both schemas.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case text(String)
    case bytes([UInt8])
    case bool(Bool)

    /// Whole seconds, rounded down, as every timestamp in both schemas.
    public static func seconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }

    public static func date(_ date: Date) -> SQLValue { .integer(seconds(date)) }
    public static func optionalDate(_ date: Date?) -> SQLValue { date.map { .integer(seconds($0)) } ?? .null }
    public static func int(_ value: Int) -> SQLValue { .integer(Int64(value)) }
    public static func optionalInteger(_ value: Int64?) -> SQLValue { value.map { .integer($0) } ?? .null }
    public static func optionalText(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }
}
