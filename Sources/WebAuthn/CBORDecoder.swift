/// A strict decoder for `CBOR`: definite lengths only, integers and lengths in their
/// shortest encoding, no duplicate map keys, text that is valid UTF-8, bounded depth, size
/// and item count. Anything else is refused with a `CBORError`, never guessed at.
public enum CBORDecoder {
    public struct Limits: Sendable {
        public var maxBytes = 16 * 1024
        public var maxDepth = 8
        public var maxItems = 1024
        public init() {}
    }

    /// Decodes exactly one item that fills `bytes`; trailing bytes are an error.
    public static func decode(_ bytes: [UInt8], limits: Limits = Limits()) throws(CBORError) -> CBOR {
        let (item, used) = try decodePrefix(bytes[...], limits: limits)
        guard used == bytes.count else { throw .trailingBytes }
        return item
    }

    /// Decodes the item at the start of `bytes` and says how many bytes it took (a COSE key
    /// inside authenticator data is followed by more).
    public static func decodePrefix(_ bytes: ArraySlice<UInt8>, limits: Limits = Limits()) throws(CBORError) -> (CBOR, Int) {
        guard bytes.count <= limits.maxBytes else { throw .tooLarge }
        var reader = Reader(bytes: bytes, position: bytes.startIndex, limits: limits)
        let item = try reader.item(depth: 1)
        return (item, reader.position - bytes.startIndex)
    }
}

public enum CBORError: Error, Equatable, Sendable, CustomStringConvertible {
    case truncated, trailingBytes, indefiniteLength, nonCanonical, duplicateKey, tooDeep, tooLarge, invalidText
    /// A tag, a float, `undefined`, a simple value or a reserved encoding.
    case unsupported(UInt8)

    public var description: String {
        switch self {
        case .truncated: "the CBOR data ends too early"
        case .trailingBytes: "bytes follow the CBOR data"
        case .indefiniteLength: "indefinite lengths are not accepted"
        case .nonCanonical: "a number is not in its shortest encoding"
        case .duplicateKey: "a map repeats a key"
        case .tooDeep: "the CBOR data is nested too deeply"
        case .tooLarge: "the CBOR data is too large"
        case .invalidText: "a text string is not valid UTF-8"
        case .unsupported(let initial): "unsupported CBOR item (initial byte \(initial))"
        }
    }
}

private struct Reader {
    let bytes: ArraySlice<UInt8>
    var position: Int
    let limits: CBORDecoder.Limits
    var items = 0

    var remaining: Int { bytes.endIndex - position }

    mutating func byte() throws(CBORError) -> UInt8 {
        guard position < bytes.endIndex else { throw .truncated }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func take(_ count: UInt64) throws(CBORError) -> [UInt8] {
        guard count <= UInt64(remaining) else { throw .truncated }
        let end = position + Int(count)
        defer { position = end }
        return Array(bytes[position..<end])
    }

    /// The argument that follows an initial byte, refusing longer encodings than needed.
    mutating func argument(_ info: UInt8, initial: UInt8) throws(CBORError) -> UInt64 {
        switch info {
        case 0...23: return UInt64(info)
        case 24...27:
            let width = 1 << Int(info - 24)
            var value: UInt64 = 0
            for _ in 0..<width { value = value << 8 | UInt64(try byte()) }
            let smallest: UInt64 = width == 1 ? 24 : 1 << (4 * UInt64(width))
            guard value >= smallest else { throw .nonCanonical }
            return value
        case 31: throw .indefiniteLength
        default: throw .unsupported(initial)
        }
    }

    mutating func item(depth: Int) throws(CBORError) -> CBOR {
        guard depth <= limits.maxDepth else { throw .tooDeep }
        items += 1
        guard items <= limits.maxItems else { throw .tooLarge }
        let initial = try byte()
        let major = initial >> 5, info = initial & 0x1f
        switch major {
        case 0: return .unsigned(try argument(info, initial: initial))
        case 1: return .negative(try argument(info, initial: initial))
        case 2: return .bytes(try take(try argument(info, initial: initial)))
        case 3:
            let raw = try take(try argument(info, initial: initial))
            guard let text = String(validating: raw, as: UTF8.self) else { throw .invalidText }
            return .text(text)
        case 4:
            let count = try argument(info, initial: initial)
            guard count <= UInt64(remaining) else { throw .truncated }  // every item takes a byte at least
            var elements: [CBOR] = []
            for _ in 0..<count { elements.append(try item(depth: depth + 1)) }
            return .array(elements)
        case 5:
            let count = try argument(info, initial: initial)
            guard count <= UInt64(remaining) / 2 else { throw .truncated }
            var pairs: [CBOR.Pair] = []
            for _ in 0..<count {
                let key = try item(depth: depth + 1)
                guard !pairs.contains(where: { $0.key == key }) else { throw .duplicateKey }
                pairs.append(CBOR.Pair(key, try item(depth: depth + 1)))
            }
            return .map(pairs)
        case 7:
            switch info {
            case 20: return .bool(false)
            case 21: return .bool(true)
            case 22: return .null
            case 31: throw .indefiniteLength
            default: throw .unsupported(initial)
            }
        default:  // 6: tags
            throw .unsupported(initial)
        }
    }
}
