/// The browser pages' part of the configuration (docs/security.md, "Browser pages").
public struct BrowserConfiguration: Sendable {
    /// The folder with `templates/` (read by the server at start) and `static/` (served
    /// by nginx). Only the server needs it, so only the server checks that it exists.
    public var wwwDirectory: String
    public var registration: Bool
    /// A sendmail-style command, or nil to write confirmation links to the server log.
    public var sendmail: String?
    public var secureCookies: Bool
    public var publicURL: String?

    static let keys = [
        "AUTHTOKEN_WWW_DIR", "AUTHTOKEN_REGISTRATION", "AUTHTOKEN_SENDMAIL", "AUTHTOKEN_SECURE_COOKIES",
        "AUTHTOKEN_PUBLIC_URL", "AUTHTOKEN_SESSION_IDLE_MINUTES", "AUTHTOKEN_SESSION_MAX_HOURS",
        "AUTHTOKEN_UNCONFIRMED_DAYS",
    ]

    public var templatesDirectory: String { wwwDirectory + "/templates" }

    init(_ values: Values) throws {
        wwwDirectory = values.string("AUTHTOKEN_WWW_DIR").flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/share/authtoken/www"
        while wwwDirectory.count > 1 && wwwDirectory.hasSuffix("/") { wwwDirectory.removeLast() }
        registration = try values.flag("AUTHTOKEN_REGISTRATION", default: false)
        sendmail = values.string("AUTHTOKEN_SENDMAIL").flatMap { $0.isEmpty ? nil : $0 }
        secureCookies = try values.flag("AUTHTOKEN_SECURE_COOKIES", default: false)
        publicURL = values.string("AUTHTOKEN_PUBLIC_URL").flatMap { $0.isEmpty ? nil : $0 }
        if let url = publicURL, !(url.hasPrefix("http://") || url.hasPrefix("https://")) || url.contains(where: \.isWhitespace) {
            throw ConfigurationError(key: "AUTHTOKEN_PUBLIC_URL", problem: "'\(url)' is not an http:// or https:// URL")
        }
    }
}
