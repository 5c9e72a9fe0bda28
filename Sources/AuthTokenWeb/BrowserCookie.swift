/// The cookies the pages set, by their base name (`BrowserSettings.cookieName` adds
/// `__Host-` on HTTPS-only servers).
enum BrowserCookie: String {
    /// The signed-in session (its id; never logged, never rendered).
    case session = "authtoken_session"
    /// The pre-session id that sign-in, registration and confirmation forms are tied to.
    case preSession = "authtoken_presession"
    /// OWASP's device cookie (`DeviceCookie`): set on every successful sign-in, kept a year.
    case device = "authtoken_device"
    /// The half-done two-factor sign-in (five minutes, single use).
    case pending = "authtoken_pending"

    static let deviceLifetime = 365 * 24 * 3600
}

extension BrowserSettings {
    /// This browser's value of `cookie`.
    func cookie(_ cookie: BrowserCookie, in request: HTTPRequest) -> String? {
        Cookies.value(cookieName(cookie.rawValue), in: request)
    }

    /// The header that sets (or, with an empty value and `maxAge` 0, clears) `cookie`.
    func setCookie(_ cookie: BrowserCookie, _ value: String, maxAge: Int?) -> (String, String) {
        Cookies.setCookie(cookieName(cookie.rawValue), value, maxAge: maxAge, secure: secureCookies)
    }
}
