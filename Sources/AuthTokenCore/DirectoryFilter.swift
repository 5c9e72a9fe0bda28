import Foundation

/// LDAP search filters made from values a person typed or the directory returned.
public enum DirectoryFilter {
    /// Escapes a value for a filter, per RFC 4515 section 3: `\`, `*`, `(`, `)` and NUL
    /// become `\5c`, `\2a`, `\28`, `\29` and `\00`, so a value matches itself only: no
    /// wildcard, no extra clause (`*)(uid=*` finds nothing).
    public static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\5c"
            case "*": out += "\\2a"
            case "(": out += "\\28"
            case ")": out += "\\29"
            case "\0": out += "\\00"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The user filter with every `{email}` replaced by the escaped address.
    public static func user(_ template: String, email: String) -> String {
        template.replacingOccurrences(of: "{email}", with: escape(email))
    }

    /// Matches a group entry that lists `dn` in its `member` attribute.
    public static func member(_ dn: String) -> String {
        "(member=\(escape(dn)))"
    }
}
