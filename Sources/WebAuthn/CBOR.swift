/// One CBOR data item (RFC 8949) of the subset WebAuthn uses: integers, byte and text
/// strings, arrays, maps, booleans and null. Floats, tags, `undefined` and other simple
/// values are refused by `CBORDecoder`, since no WebAuthn structure holds them.
public indirect enum CBOR: Equatable, Sendable {
    case unsigned(UInt64)
    /// The integer `-1 - n`.
    case negative(UInt64)
    case bytes([UInt8])
    case text(String)
    case array([CBOR])
    /// Pairs in the order they were encoded; the decoder has refused duplicate keys.
    case map([Pair])
    case bool(Bool)
    case null

    public struct Pair: Equatable, Sendable {
        public let key: CBOR
        public let value: CBOR
        public init(_ key: CBOR, _ value: CBOR) {
            self.key = key
            self.value = value
        }
    }

    /// The integer, when it fits in an `Int64`.
    public var integer: Int64? {
        switch self {
        case .unsigned(let n) where n <= UInt64(Int64.max): Int64(n)
        case .negative(let n) where n <= UInt64(Int64.max): -1 - Int64(n)
        default: nil
        }
    }

    public var byteString: [UInt8]? {
        if case .bytes(let value) = self { return value }
        return nil
    }

    public var textString: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    /// The value under an integer key (COSE keys), nil when this is not a map or has no such key.
    public subscript(key: Int64) -> CBOR? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.key.integer == key }?.value
    }

    /// The value under a text key (attestation objects), nil when this is not a map or has no such key.
    public subscript(key: String) -> CBOR? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.key.textString == key }?.value
    }
}
