/// The guard against open redirects: where a `next` parameter may send the browser.
enum LocalPath {
    /// True only for a path on this server: one leading `/`, not `//` (another host to a
    /// browser), no `\` (which browsers read as `/`), and nothing but printable ASCII, since
    /// browsers drop tabs and newlines from URLs (`/\t/evil.example` becomes `//evil.example`)
    /// and a CR or LF would split the Location header. Starting with `/` also rules out any
    /// `scheme:` prefix.
    static func isSafe(_ next: String) -> Bool {
        let bytes = Array(next.utf8)
        guard bytes.count <= 2048, bytes.first == UInt8(ascii: "/") else { return false }
        if bytes.count > 1, bytes[1] == UInt8(ascii: "/") { return false }
        return bytes.allSatisfy { $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "\\") }
    }

    /// `next` when it is safe, else the Active Authtokens page.
    static func target(_ next: String?) -> String {
        guard let next, isSafe(next) else { return "/tokens" }
        return next
    }
}
