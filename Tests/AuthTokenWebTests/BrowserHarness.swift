import AuthTokenCore
import AuthTokenTestKit
import AuthTokenWeb
import Foundation
import Synchronization
import Logging

/// A clock the tests move by hand, shared by the auth core and the web layer.
final class TestClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_795_000_000))

    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 += seconds } }
}

/// One browser against a `WebApp` with the real templates and no socket: it keeps cookies
/// and reads form tokens out of the pages, as a person's browser would.
final class BrowserHarness: Sendable {
    let t: TestStore
    let clock = TestClock()
    let app: WebApp
    private let jar = Mutex<[String: String]>([:])
    private let from = Mutex("")
    /// The cookies the browser holds, by name.
    var cookies: [String: String] {
        get { jar.withLock { $0 } }
        set { jar.withLock { $0 = newValue } }
    }
    /// The client address requests come from ("" skips the per-address counter).
    var address: String {
        get { from.withLock { $0 } }
        set { from.withLock { $0 = newValue } }
    }
    let mailFile: URL

    static let templates = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("www/templates").path

    init(
        maxTokens: Int = 10, secureCookies: Bool = false, sessions: SessionSettings = SessionSettings(),
        creationNotices: Bool = false, publicURL: String? = "http://localhost", maxPasskeys: Int = 10,
        directory: (settings: DirectorySettings, client: any Directory)? = nil
    ) throws {
        let clock = self.clock
        t = try TestStore(
            maxTokens: maxTokens, sessions: sessions, creationNotices: creationNotices,
            passkeys: publicURL.flatMap { PasskeySettings(publicURL: $0, maxPerAccount: maxPasskeys) }, ldap: directory,
            now: { clock.now })
        mailFile = t.directory.appendingPathComponent("mail.txt")
        let browser = BrowserSettings(
            pages: try Pages(directory: Self.templates), secureCookies: secureCookies, registration: true,
            publicURL: publicURL, mailer: .command("cat > '\(mailFile.path)'"))
        app = WebApp(auth: t.auth, logger: Logger(label: "test"), browser: browser, now: { clock.now })
        app.deliverNotices()
    }

    /// Sends a request with the stored cookies and stores the cookies it sets.
    func send(_ method: String, _ target: String, form: [(String, String)] = [], headers: [String: String] = [:])
        -> HTTPResponse
    {
        let parts = target.split(separator: "?", maxSplits: 1)
        var all = headers
        if !cookies.isEmpty { all["cookie"] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if method == "POST" { all["content-type"] = "application/x-www-form-urlencoded" }
        let body = form.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        let response = app.handle(HTTPRequest(
            method: method, path: String(parts[0]), query: parts.count > 1 ? String(parts[1]) : "",
            headers: all, body: Array(body.utf8), remoteAddress: address))
        for (name, value) in response.headers where name == "Set-Cookie" {
            let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(pair[0])
            if value.contains("Max-Age=0") { cookies[key] = nil } else { cookies[key] = String(pair[1]) }
        }
        return response
    }

    func get(_ target: String) -> HTTPResponse { send("GET", target) }

    func post(_ target: String, _ form: [(String, String)]) -> HTTPResponse { send("POST", target, form: form) }

    /// The value of the first hidden `csrf` field on the page.
    static func formToken(_ page: HTTPResponse) -> String {
        let text = page.bodyText
        guard let match = text.firstMatch(of: #/name="csrf" value="([0-9a-f]+)"/#) else { return "" }
        return String(match.1)
    }

    /// Opens the sign-in page and signs in; returns the answer to the POST.
    @discardableResult
    func signIn(_ email: String, _ password: String, next: String? = nil) -> HTTPResponse {
        let form = get("/signin")
        var fields = [("csrf", Self.formToken(form)), ("email", email), ("password", password)]
        if let next { fields.append(("next", next)) }
        return post("/signin", fields)
    }

    /// The session form token, read from a private page.
    func sessionToken() -> String { Self.formToken(get("/tokens")) }

    @discardableResult
    func addAccount(_ email: String, password: String = "password1", confirmed: Bool = true) throws -> Int64 {
        try t.auth.accounts.addAccount(email: email, displayName: nil, password: password, confirmed: confirmed).id
    }

    static func encode(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._*")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
