import AuthTokenCore
import AuthTokenWeb
import Testing

/// A hostile application name is shown as text on every page that shows names.
@Suite struct EscapingTests {
    static let hostile = "<script>alert(1)</script>\"'&"
    static let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"

    func expectEscaped(_ response: HTTPResponse, _ page: String) {
        #expect(response.status == 200, "\(page)")
        #expect(response.bodyText.contains(Self.escaped), "\(page)")
        #expect(!response.bodyText.contains("<script>alert"), "\(page)")
        #expect(response.header("Content-Type") == "text/html; charset=UTF-8", "\(page)")
    }

    @Test func onEveryPageThatShowsAName() throws {
        let b = try BrowserHarness()
        let account = try b.addAccount("ann@example.com")
        b.signIn("ann@example.com", "password1")
        let name = BrowserHarness.encode(Self.hostile)

        expectEscaped(b.get("/apiauthtoken/create?SCOPE=crmapi&DISPLAY_NAME=\(name)"), "browser-mode confirmation")
        let created = b.post("/apiauthtoken/create", [
            ("csrf", b.sessionToken()), ("SCOPE", "crmapi"), ("DISPLAY_NAME", Self.hostile),
        ])
        expectEscaped(created, "token created (browser mode)")
        expectEscaped(b.post("/tokens", [("csrf", b.sessionToken()), ("scope", "ZohoCRM/crmapi"), ("name", Self.hostile)]),
            "token created (token page)")
        let id = try b.t.store.tokens(accountID: account)[0].id
        expectEscaped(b.get("/tokens"), "Active Authtokens")
        expectEscaped(b.get("/tokens/remove?id=\(id)"), "remove confirmation")
        expectEscaped(b.get("/tokens/regenerate?id=\(id)"), "regenerate confirmation")
        expectEscaped(b.post("/tokens/regenerate", [("csrf", b.sessionToken()), ("id", "\(id)")]), "token regenerated")
    }

    @Test func hostileEmailAndScopeAreEscapedToo() throws {
        let b = try BrowserHarness()
        // `<` and `>` are no longer allowed in an address (EmailAddress); `&` is.
        try b.addAccount("ann&co@example.com")
        b.signIn("ann&co@example.com", "password1")
        let developer = b.get("/developer")
        #expect(developer.bodyText.contains("ann&amp;co@example.com"))
        #expect(!developer.bodyText.contains("ann&co@"))
        let scope = b.get("/apiauthtoken/create?SCOPE=%3Cimg%20src%3Dx%3E")
        #expect(scope.status == 400)
        #expect(scope.bodyText.contains("&lt;img src=x&gt;"))
        #expect(!scope.bodyText.contains("<img"))
        let signin = try BrowserHarness().signIn("\"><script>x()</script>", "password1")
        #expect(signin.bodyText.contains("value=\"&quot;&gt;&lt;script&gt;x()&lt;/script&gt;\""))
        #expect(signin.bodyText.contains("That is not an e-mail address"))
    }

    @Test func templatesNeverUnescapeData() throws {
        for name in Pages.names {
            let text = try String(contentsOfFile: "\(BrowserHarness.templates)/\(name).mustache", encoding: .utf8)
            #expect(!text.contains("{{{"), "\(name)")
            #expect(!text.contains("{{&"), "\(name)")
            #expect(!text.contains("style="), "\(name): inline styles break the CSP")
            #expect(!text.contains("<script>"), "\(name): inline scripts break the CSP")
        }
    }
}
