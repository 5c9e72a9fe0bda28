import Crypto

/// Short codes a person reads and types (application passwords, recovery codes): lower-case
/// letters and digits from the system CSPRNG, without modulo bias.
public enum RandomCode {
    static let symbols = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)

    public static func make(length: Int) -> String {
        var out = [UInt8]()
        while out.count < length {
            let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
            // 252 is the largest multiple of 36 under 256; larger bytes would favour some symbols.
            for byte in bytes where byte < 252 && out.count < length {
                out.append(symbols[Int(byte) % symbols.count])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `abcdefghijkl` as `abcd efgh ijkl`: easier to read off a screen.
    public static func grouped(_ code: String, by size: Int = 4, separator: String = " ") -> String {
        var groups: [String] = []
        var rest = Substring(code)
        while !rest.isEmpty {
            groups.append(String(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        return groups.joined(separator: separator)
    }

    /// What a person typed, without spaces and dashes, lower-cased.
    public static func normalized(_ typed: String) -> String {
        String(typed.lowercased().unicodeScalars.filter { $0 != " " && $0 != "-" })
    }
}
