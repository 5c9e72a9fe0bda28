/// A value sent as a statement parameter, in PostgreSQL's text format.
///
/// Parameters go with no type: the server infers each from the statement, as for
/// `$1` in `WHERE id = $1`. Where the statement does not fix it (`SELECT $1`), it is
/// `text`; cast in SQL (`$1::int8`) to get another. A Swift `nil` is SQL NULL.
public protocol PostgresParameter: Sendable {
    /// The value in PostgreSQL's text input format.
    var postgresText: String { get }
}

extension String: PostgresParameter {
    public var postgresText: String { self }
}

extension Substring: PostgresParameter {
    public var postgresText: String { String(self) }
}

extension Int64: PostgresParameter {
    public var postgresText: String { String(self) }
}

extension Int: PostgresParameter {
    public var postgresText: String { String(self) }
}

extension Int32: PostgresParameter {
    public var postgresText: String { String(self) }
}

extension Bool: PostgresParameter {
    public var postgresText: String { self ? "t" : "f" }
}

/// `bytea`, in the hex format (`\x0aff`).
extension Array: PostgresParameter where Element == UInt8 {
    public var postgresText: String {
        let digits = Array<Unicode.Scalar>("0123456789abcdef".unicodeScalars)
        var text = "\\x"
        text.unicodeScalars.reserveCapacity(2 + count * 2)
        for byte in self {
            text.unicodeScalars.append(digits[Int(byte >> 4)])
            text.unicodeScalars.append(digits[Int(byte & 0xF)])
        }
        return text
    }
}
