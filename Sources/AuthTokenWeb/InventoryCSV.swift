import AuthTokenStore
import Foundation

/// The credentials inventory as CSV (RFC 4180: every field quoted, CRLF line ends). A field
/// that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR)
/// gets a leading `'`, since names are typed by the tokens' owners.
enum InventoryCSV {
    static let header = ["id", "owner", "name", "scopes", "hint", "created", "last_used", "last_used_from",
                         "app_password_id", "app_password", "expires"]

    /// `expires` words a token's expiry ("never", the date, or "expired on" it).
    static func text(_ rows: [InventoryToken], expires: (TokenRecord) -> String) -> String {
        var lines = [line(header)]
        for row in rows {
            let token = row.token
            lines.append(line([
                String(token.id), row.ownerEmail, token.displayName, token.scopes.joined(separator: " "), token.hint,
                iso(token.createdAt), token.lastUsedAt.map(iso) ?? "", token.lastUsedFrom ?? "",
                token.appPasswordID.map { String($0) } ?? "", row.appPasswordName ?? "", expires(token),
            ]))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static let appPasswordHeader = ["id", "owner", "name", "created", "last_used", "tokens"]

    /// Application passwords: never their hash.
    static func text(_ rows: [InventoryAppPassword]) -> String {
        var lines = [line(appPasswordHeader)]
        for row in rows {
            let password = row.appPassword
            lines.append(line([
                String(password.id), row.ownerEmail, password.name, iso(password.createdAt),
                password.lastUsedAt.map(iso) ?? "", String(row.tokenCount),
            ]))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",")
    }

    static func field(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func iso(_ date: Date) -> String { date.formatted(.iso8601) }
}
