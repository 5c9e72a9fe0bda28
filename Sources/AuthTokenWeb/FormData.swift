import Foundation

/// Parameters from a query string or an `application/x-www-form-urlencoded` body.
///
/// Decoding is strict: a broken `%` escape, bytes that are not UTF-8, or a NUL byte make
/// the whole input invalid, so a garbled request gets a clear 400 instead of being
/// guessed at. `+` means a space, as browsers and every client library encode it.
public struct FormData: Sendable, Equatable {
    public private(set) var pairs: [(name: String, value: String)]

    public static let maxPairs = 256

    public init(pairs: [(name: String, value: String)] = []) {
        self.pairs = pairs
    }

    public static func == (a: FormData, b: FormData) -> Bool {
        a.pairs.elementsEqual(b.pairs, by: { $0.name == $1.name && $0.value == $1.value })
    }

    /// The first value of `name`, as servlet containers answer it.
    public subscript(name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// Every value of `name`, comparing names without regard to letter case
    /// (`authtoken`, `AUTHTOKEN` and `AuthToken` are one name).
    public func values(named name: String) -> [String] {
        let wanted = name.lowercased()
        return pairs.filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    /// Parses `a=1&b=2`. Empty pieces (`a=1&&b=2`) are skipped; a piece without `=` is a
    /// name with an empty value.
    public init(parsing text: some Collection<UInt8>) throws(FormDataError) {
        var pairs: [(name: String, value: String)] = []
        for piece in text.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            guard pairs.count < Self.maxPairs else { throw .tooManyParameters }
            let parts = piece.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decode(parts[0])
            let value = parts.count > 1 ? try Self.decode(parts[1]) : ""
            pairs.append((name, value))
        }
        self.pairs = pairs
    }

    public init(parsing text: String) throws(FormDataError) {
        try self.init(parsing: Array(text.utf8))
    }

    /// Query parameters first, then body parameters, so a value in the URL wins as it does
    /// for a servlet's `getParameter`.
    public func merging(_ other: FormData) -> FormData {
        FormData(pairs: pairs + other.pairs)
    }

    static func decode(_ bytes: some Collection<UInt8>) throws(FormDataError) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "+"):
                out.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                let high = bytes.index(after: index)
                guard high != bytes.endIndex, bytes.index(after: high) != bytes.endIndex,
                      let h = hexValue(bytes[high]), let l = hexValue(bytes[bytes.index(after: high)])
                else { throw .badPercentEncoding }
                out.append(h << 4 | l)
                index = bytes.index(after: high)
            default:
                out.append(byte)
            }
            index = bytes.index(after: index)
        }
        guard !out.contains(0) else { throw .nulByte }
        guard let text = String(validating: out, as: UTF8.self) else { throw .invalidUTF8 }
        return text
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

public enum FormDataError: Error, Equatable, Sendable {
    case badPercentEncoding, invalidUTF8, nulByte, tooManyParameters

    public var message: String {
        switch self {
        case .badPercentEncoding: "The request has a broken percent-encoding."
        case .invalidUTF8: "The request has parameters that are not valid UTF-8."
        case .nulByte: "The request has a NUL byte in a parameter."
        case .tooManyParameters: "The request has too many parameters."
        }
    }
}

extension FormData {
    /// `application/x-www-form-urlencoded` for one value.
    static func encode(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._*")
        return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
    }
}
