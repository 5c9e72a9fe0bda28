import AuthTokenCore
import AuthTokenWeb
import Testing

@Suite struct CSRFTests {
    /// Signed in as ann, with one token; returns that token's id.
    func prepared() throws -> (BrowserHarness, Int64) {
        let b = try BrowserHarness()
        let account = try b.addAccount("ann@example.com")
        b.signIn("ann@example.com", "password1")
        let issued = try b.t.auth.tokens.issueToken(accountID: account, scopes: ["ZohoCRM/crmapi"], displayName: "app").get()
        return (b, issued.record.id)
    }

    func snapshot(_ b: BrowserHarness) throws -> [String] {
        try b.t.store.accounts().flatMap { try b.t.store.tokens(accountID: $0.id) }.map { "\($0.id) \($0.digest)" }
    }

    @Test(arguments: [nil, "", "00", String(repeating: "0", count: 64)])
    func everyStateChangeWithoutTheTokenIs403AndChangesNothing(token: String?) throws {
        let (b, id) = try prepared()
        let before = try snapshot(b)
        let csrf: [(String, String)] = token.map { [("csrf", $0)] } ?? []
        let posts: [(String, [(String, String)])] = [
            ("/tokens", [("scope", "ZohoCRM/crmapi"), ("name", "x")]),
            ("/tokens/remove", [("id", "\(id)")]),
            ("/tokens/regenerate", [("id", "\(id)")]),
            ("/apiauthtoken/create", [("SCOPE", "ZohoCRM/crmapi")]),
            ("/apiauthtoken/nb/create", [("SCOPE", "ZohoCRM/crmapi")]),
            ("/signout", []),
        ]
        for (path, fields) in posts {
            let answer = b.post(path, csrf + fields)
            #expect(answer.status == 403, "\(path)")
            #expect(answer.bodyText.contains("nothing was changed"), "\(path)")
        }
        #expect(try snapshot(b) == before)
        #expect(b.get("/tokens").status == 200)  // still signed in: the sign-out was refused too
    }

    @Test func anotherSessionsTokenDoesNotWork() throws {
        let (b, id) = try prepared()
        let other = try BrowserHarness()
        try other.addAccount("bob@example.com")
        other.signIn("bob@example.com", "password1")
        let before = try snapshot(b)
        #expect(b.post("/tokens/remove", [("csrf", other.sessionToken()), ("id", "\(id)")]).status == 403)
        #expect(try snapshot(b) == before)
        #expect(b.post("/tokens/remove", [("csrf", b.sessionToken()), ("id", "\(id)")]).status == 303)
        #expect(try snapshot(b).isEmpty)
    }

    @Test func signInNeedsThePreSessionToken() throws {
        let b = try BrowserHarness()
        try b.addAccount("ann@example.com")
        // No pre-session cookie at all (a forged cross-site form).
        let forged = b.post("/signin", [("email", "ann@example.com"), ("password", "password1")])
        #expect(forged.status == 403)
        #expect(b.cookies["authtoken_session"] == nil)
        // The cookie, but the token of another pre-session.
        _ = b.get("/signin")
        let stranger = try BrowserHarness()
        let wrong = BrowserHarness.formToken(stranger.get("/signin"))
        #expect(b.post("/signin", [("csrf", wrong), ("email", "ann@example.com"), ("password", "password1")]).status == 403)
        #expect(b.cookies["authtoken_session"] == nil)
        #expect(b.signIn("ann@example.com", "password1").status == 303)
        #expect(b.cookies["authtoken_session"] != nil)
    }

    @Test func registrationAndConfirmationNeedThePreSessionToken() throws {
        let b = try BrowserHarness()
        let answer = b.post("/register", [
            ("email", "eve@example.com"), ("password", "password1"), ("password2", "password1"),
        ])
        #expect(answer.status == 403)
        #expect(try b.t.store.account(email: "eve@example.com") == nil)
        #expect(b.post("/confirm", [("token", String(repeating: "a", count: 64))]).status == 403)
    }
}
