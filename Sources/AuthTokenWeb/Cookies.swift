/// Reading the `Cookie` header and writing `Set-Cookie` values.
enum Cookies {
    /// The first value of `name` in a `Cookie: a=1; b=2` header.
    static func value(_ name: String, in request: HTTPRequest) -> String? {
        guard let header = request.headers["cookie"] else { return nil }
        for piece in header.split(separator: ";") {
            let pair = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if pair.count == 2, pair[0].trimmingCharacters(in: " \t") == name {
                return pair[1].trimmingCharacters(in: " \t")
            }
        }
        return nil
    }

    /// HttpOnly keeps scripts away from it; SameSite=Lax keeps it off cross-site POSTs (the
    /// form tokens are the real CSRF defence, this is a second one). `maxAge` 0 deletes it.
    static func setCookie(_ name: String, _ value: String, maxAge: Int?, secure: Bool) -> (String, String) {
        var text = "\(name)=\(value); Path=/; HttpOnly; SameSite=Lax"
        if let maxAge { text += "; Max-Age=\(maxAge)" }
        if secure { text += "; Secure" }
        return ("Set-Cookie", text)
    }
}
