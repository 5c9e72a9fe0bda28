import Foundation

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

    public var templatesDirectory: String { wwwDirectory + "/templates" }

    init(_ values: Values) throws {
        wwwDirectory = values.text(.wwwDir)
        while wwwDirectory.count > 1 && wwwDirectory.hasSuffix("/") { wwwDirectory.removeLast() }
        registration = try values.flag(.registration)
        sendmail = values.string(.sendmail)
        secureCookies = try values.flag(.secureCookies)
        publicURL = values.string(.publicURL)
        if let url = publicURL, !Self.isPublicURL(url) {
            throw ConfigurationError(
                key: "AUTHTOKEN_PUBLIC_URL", problem: "'\(url)' is not an absolute http:// or https:// URL without query or fragment")
        }
    }

    /// The base of mailed links: http or https, a host, no user, query or fragment, nothing
    /// but printable ASCII (so it cannot break a mail line).
    static func isPublicURL(_ url: String) -> Bool {
        guard url.allSatisfy({ $0.isASCII && !$0.isWhitespace && !$0.isNewline }), !url.contains("#"), !url.contains("?"),
              let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = parts.host, !host.isEmpty,
              parts.user == nil, parts.password == nil, url.lowercased().hasPrefix(scheme + "://")
        else { return false }
        return true
    }
}
