/// Everything the browser pages need besides the auth core. `WebApp` without it serves
/// API mode only (and answers `INVALID_CREDENTIALS` to requests without credentials, as
/// before browser mode existed).
public struct BrowserSettings: Sendable {
    public var pages: Pages
    /// Cookies get `Secure` and the `__Host-` prefix: for servers reached over HTTPS only.
    public var secureCookies: Bool
    /// Whether `/register` lets people create their own (unconfirmed) accounts.
    public var registration: Bool
    /// `https://tokens.example.com`: the base of every link in e-mail and of the Developer
    /// Space page. Without it no mail with a link is sent (a link must never come from the
    /// request's Host); Developer Space then uses the request's.
    public var publicURL: String?
    public var mailer: Mailer

    public init(
        pages: Pages, secureCookies: Bool = false, registration: Bool = false, publicURL: String? = nil,
        mailer: Mailer = .log
    ) {
        self.pages = pages
        self.secureCookies = secureCookies
        self.registration = registration
        self.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.mailer = mailer
    }

    /// `__Host-` makes the browser refuse the cookie unless it is Secure, has `Path=/` and
    /// no `Domain`, so no sibling host can plant or shadow it.
    func cookieName(_ base: String) -> String {
        secureCookies ? "__Host-" + base : base
    }
}
