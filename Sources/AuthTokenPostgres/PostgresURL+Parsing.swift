extension PostgresURL {
    static func parse(_ string: String) throws(PostgresURLError) -> PostgresURL {
        var rest = Substring(string)
        var schemeFound = false
        for scheme in ["postgresql://", "postgres://"] where rest.lowercased().hasPrefix(scheme) {
            rest = rest.dropFirst(scheme.count)
            schemeFound = true
            break
        }
        guard schemeFound else {
            throw PostgresURLError("it must start with postgresql:// or postgres://")
        }
        if rest.contains("#") { throw PostgresURLError("a fragment (#...) is not allowed") }
        if rest.contains(where: { $0.isWhitespace }) {
            throw PostgresURLError("white space must be percent-encoded")
        }

        var query: Substring?
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        guard let slash = rest.firstIndex(of: "/") else {
            throw PostgresURLError("the database name (/dbname) is missing")
        }
        let authority = rest[..<slash]
        let path = rest[rest.index(after: slash)...]

        let ats = authority.indices.filter { authority[$0] == "@" }
        guard let at = ats.last else {
            throw PostgresURLError(
                "the user name (user@) is missing before the host"
                    + " (characters such as / ? # @ in a password must be percent-encoded)")
        }
        guard ats.count == 1 else {
            throw PostgresURLError("an @ in the user name or password must be percent-encoded as %40")
        }
        let userInfo = authority[..<at]
        let hostAndPort = authority[authority.index(after: at)...]

        var password: String?
        let user: String
        if let colon = userInfo.firstIndex(of: ":") {
            user = try percentDecoded(userInfo[..<colon], "the user name")
            password = try percentDecoded(userInfo[userInfo.index(after: colon)...], "the password")
        } else {
            user = try percentDecoded(userInfo, "the user name")
        }
        guard !user.isEmpty else { throw PostgresURLError("the user name is empty") }

        var servers: [Server] = []
        for part in hostAndPort.split(separator: ",", omittingEmptySubsequences: false) {
            let (host, port) = try parseHostAndPort(part)
            // libpq splits its host list at commas, whatever they stand in.
            guard !host.contains(",") else { throw PostgresURLError("a host may not contain a comma") }
            guard !servers.contains(Server(host: host, port: port)) else {
                throw PostgresURLError("the server list names \(host) twice")
            }
            servers.append(Server(host: host, port: port))
        }

        let database = try percentDecoded(path, "the database name")
        guard !database.isEmpty else { throw PostgresURLError("the database name is empty") }
        guard !path.contains("/") else {
            throw PostgresURLError("a / in the database name must be percent-encoded as %2F")
        }

        var options: [Option] = []
        if let query {
            options = try parseQuery(query)
        }
        if servers.count > 1 {
            let attributes = options.first { $0.key == "target_session_attrs" }?.value
            guard attributes == "read-write" || attributes == "primary" else {
                throw PostgresURLError(
                    "a URL with several servers must say target_session_attrs=read-write (or primary),"
                        + " so that a connection never lands on a standby")
            }
        }
        return PostgresURL(user: user, password: password, servers: servers, database: database, options: options)
    }

    private static func parseHostAndPort(_ text: Substring) throws(PostgresURLError) -> (String, Int?) {
        var hostText: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw PostgresURLError("the IPv6 address has no closing ]")
            }
            hostText = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else {
                    throw PostgresURLError("only :port may follow the bracketed IPv6 address")
                }
                portText = after.dropFirst()
            }
            guard !hostText.isEmpty, hostText.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw PostgresURLError("the bracketed IPv6 address is malformed")
            }
        } else {
            let colons = text.indices.filter { text[$0] == ":" }
            guard colons.count <= 1 else {
                throw PostgresURLError("an IPv6 address must be written in brackets, [::1]")
            }
            if let colon = colons.first {
                hostText = text[..<colon]
                portText = text[text.index(after: colon)...]
            } else {
                hostText = text
            }
        }
        guard !hostText.isEmpty else { throw PostgresURLError("the host is missing") }
        let host = try percentDecoded(hostText, "the host")
        if !host.hasPrefix("/") && !text.hasPrefix("[") {
            let allowed = host.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || $0 == "-" || $0 == "." || $0 == "_"
            }
            guard allowed else {
                throw PostgresURLError("the host may hold only letters, digits, - . and _ (or be a socket directory, %2F...)")
            }
        }

        var port: Int?
        if let portText {
            guard !portText.isEmpty else { throw PostgresURLError("the port after : is empty") }
            guard portText.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(portText),
                (1...65535).contains(number)
            else {
                throw PostgresURLError("the port must be a number from 1 to 65535")
            }
            port = number
        }
        return (host, port)
    }

    private static func parseQuery(_ query: Substring) throws(PostgresURLError) -> [Option] {
        guard !query.isEmpty else { throw PostgresURLError("nothing follows the ?") }
        var options: [Option] = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: false) {
            guard let equals = pair.firstIndex(of: "=") else {
                throw PostgresURLError("the query part '\(pair.prefix(40))' is not key=value")
            }
            let key = try percentDecoded(pair[..<equals], "a query key")
            guard !key.isEmpty else { throw PostgresURLError("a query key is empty") }
            guard !urlKeywords.contains(key) else {
                throw PostgresURLError("the query sets '\(key)', which the URL itself sets")
            }
            guard libpqKeywords.contains(key) else {
                throw PostgresURLError("'\(key)' is not a libpq connection keyword")
            }
            guard !options.contains(where: { $0.key == key }) else {
                throw PostgresURLError("the query sets '\(key)' twice")
            }
            let value = try percentDecoded(pair[pair.index(after: equals)...], "the value of '\(key)'")
            options.append(Option(key: key, value: value))
        }
        return options
    }

    /// Percent-decodes `text` into UTF-8; `what` names the part in an error.
    static func percentDecoded(_ text: Substring, _ what: String) throws(PostgresURLError) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw PostgresURLError("\(what) has a malformed percent escape")
                }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        guard !bytes.contains(0) else { throw PostgresURLError("\(what) contains a NUL byte") }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw PostgresURLError("\(what) is not UTF-8 once decoded")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
