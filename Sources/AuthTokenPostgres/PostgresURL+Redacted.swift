extension PostgresURL: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The URL without its password (and with the value of any `*password` option masked),
    /// for logs and error messages.
    public var redacted: String {
        var text = "postgresql://" + Self.percentEncoded(user) + "@"
        text += servers.map { server in
            var text: String
            if server.host.hasPrefix("/") {
                text = Self.percentEncoded(server.host)
            } else if server.host.contains(":") {
                text = "[" + server.host + "]"
            } else {
                text = server.host
            }
            if let port = server.port { text += ":" + String(port) }
            return text
        }.joined(separator: ",")
        text += "/" + Self.percentEncoded(database)
        if !options.isEmpty {
            text += "?" + options.map { option in
                let value = option.key.hasSuffix("password") ? "***" : Self.percentEncoded(option.value)
                return Self.percentEncoded(option.key) + "=" + value
            }.joined(separator: "&")
        }
        return text
    }

    public var description: String { redacted }
    public var debugDescription: String { "PostgresURL(\(redacted))" }

    /// `dump` and the debugger show the redacted form too, never the password field.
    public var customMirror: Mirror {
        Mirror(self, children: ["redacted": redacted, "hasPassword": password != nil])
    }

    static func percentEncoded(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = Array("0123456789ABCDEF".unicodeScalars)
                encoded.unicodeScalars.append("%")
                encoded.unicodeScalars.append(digits[Int(byte >> 4)])
                encoded.unicodeScalars.append(digits[Int(byte & 0xF)])
            }
        }
        return encoded
    }
}
