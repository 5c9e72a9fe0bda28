import WebAuthn

/// A canonical CBOR encoder, for building what authenticators send in tests.
public enum CBOREncoder {
    public static func encode(_ item: CBOR) -> [UInt8] {
        switch item {
        case .unsigned(let n): head(0, n)
        case .negative(let n): head(1, n)
        case .bytes(let b): head(2, UInt64(b.count)) + b
        case .text(let t): head(3, UInt64(t.utf8.count)) + Array(t.utf8)
        case .array(let items): head(4, UInt64(items.count)) + items.flatMap(encode)
        case .map(let pairs): head(5, UInt64(pairs.count)) + pairs.flatMap { encode($0.key) + encode($0.value) }
        case .bool(let b): [b ? 0xf5 : 0xf4]
        case .null: [0xf6]
        }
    }

    public static func head(_ major: UInt8, _ n: UInt64) -> [UInt8] {
        let m = major << 5
        switch n {
        case 0..<24: return [m | UInt8(n)]
        case 24..<0x100: return [m | 24, UInt8(n)]
        case 0x100..<0x10000: return [m | 25] + bigEndian(n, 2)
        case 0x10000..<0x1_0000_0000: return [m | 26] + bigEndian(n, 4)
        default: return [m | 27] + bigEndian(n, 8)
        }
    }

    public static func bigEndian(_ n: UInt64, _ width: Int) -> [UInt8] {
        (0..<width).reversed().map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) }
    }
}

extension CBOR {
    public static func int(_ n: Int64) -> CBOR { n >= 0 ? .unsigned(UInt64(n)) : .negative(UInt64(-1 - n)) }
}
