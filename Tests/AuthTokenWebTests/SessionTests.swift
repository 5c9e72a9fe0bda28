import AuthTokenCore
import AuthTokenWeb
import Foundation
import Testing

@Suite struct SessionTests {
    @Test func signInSetsAHardenedCookieAndStoresOnlyItsDigest() throws {
        let b = try BrowserHarness()
        try b.addAccount("ann@example.com")
        let answer = b.signIn("ann@example.com", "password1")
        #expect(answer.status == 303)
        #expect(answer.header("Location") == "/tokens")
        let cookie = try #require(answer.headers.first { $0.0 == "Set-Cookie" && $0.1.hasPrefix("authtoken_session=") }?.1)
        #expect(cookie.contains("; Path=/; HttpOnly; SameSite=Lax"))
        #expect(!cookie.contains("Secure"))
        let id = try #require(b.cookies["authtoken_session"])
        #expect(RandomSecret.isWellFormed(id))  // 256 random bits
        #expect(try b.t.store.session(digest: RandomSecret(value: id).digest) != nil)
        #expect(try b.t.store.session(digest: id) == nil)
        #expect(b.get("/tokens").status == 200)
    }

    /// An application password is for API mode only: on the sign-in form it is a wrong
    /// password, and no session starts.
    @Test func anApplicationPasswordDoesNotOpenAWebSession() throws {
        let b = try BrowserHarness()
        let ann = try b.t.auth.accounts.addAccount(email: "ann@example.com", displayName: nil, password: "password1", confirmed: true)
        let (appPassword, _) = try b.t.auth.appPasswords.createAppPassword(
            account: ann, name: "laptop", currentPassword: "password1", client: .unknown).get()
        let answer = b.signIn("ann@example.com", appPassword)
        #expect(answer.status == 200)
        #expect(answer.bodyText.contains("The e-mail address or the password is wrong."))
        #expect(b.cookies["authtoken_session"] == nil)
        #expect(b.get("/tokens").status == 303)
        // The same value does work where it belongs.
        let token = try b.t.auth.tokens.createToken(
            TokenRequest(email: "ann@example.com", password: appPassword, scope: "ZohoCRM/crmapi", displayName: nil))
        #expect((try? token.get()) != nil)
    }

    @Test func httpsModeUsesSecureHostPrefixedCookies() throws {
        let b = try BrowserHarness(secureCookies: true)
        try b.addAccount("ann@example.com")
        let form = b.get("/signin")
        #expect(form.header("Set-Cookie")?.hasPrefix("__Host-authtoken_presession=") == true)
        #expect(form.header("Set-Cookie")?.hasSuffix("; Secure") == true)
        let answer = b.signIn("ann@example.com", "password1")
        let cookie = try #require(answer.headers.first { $0.1.hasPrefix("__Host-authtoken_session=") }?.1)
        #expect(cookie.contains("Path=/") && cookie.contains("Secure") && cookie.contains("HttpOnly"))
        #expect(!cookie.contains("Domain"))
        #expect(b.get("/tokens").status == 200)
    }

    @Test func signInIssuesANewIdEvenWhenTheBrowserBroughtOne() throws {
        let b = try BrowserHarness()
        try b.addAccount("ann@example.com")
        let planted = RandomSecret.generate().value
        b.cookies["authtoken_session"] = planted
        b.signIn("ann@example.com", "password1")
        #expect(b.cookies["authtoken_session"] != planted)
        // Signing in again (from a second open sign-in form) ends the earlier session.
        let first = try #require(b.cookies["authtoken_session"])
        let token = BrowserHarness.formToken(try BrowserHarness().get("/signin"))
        #expect(b.post("/signin", [("csrf", token), ("email", "ann@example.com"), ("password", "password1")]).status == 403)
        let jar = b.cookies
        b.cookies["authtoken_session"] = nil
        let second = BrowserHarness.formToken(b.get("/signin"))
        b.cookies = jar
        #expect(b.post("/signin", [("csrf", second), ("email", "ann@example.com"), ("password", "password1")]).status == 303)
        #expect(b.cookies["authtoken_session"] != first)
        #expect(try b.t.store.session(digest: RandomSecret(value: first).digest) == nil)
    }

    @Test func signOutDeletesTheSessionOnTheServer() throws {
        let b = try BrowserHarness()
        try b.addAccount("ann@example.com")
        b.signIn("ann@example.com", "password1")
        let id = try #require(b.cookies["authtoken_session"])
        let answer = b.post("/signout", [("csrf", b.sessionToken())])
        #expect(answer.status == 303)
        #expect(answer.header("Location") == "/signin?signedout=1")
        #expect(try b.t.store.session(digest: RandomSecret(value: id).digest) == nil)
        // Replaying the old cookie gets nothing.
        b.cookies["authtoken_session"] = id
        #expect(b.get("/tokens").header("Location") == "/signin?next=%2Ftokens")
    }

    @Test func idleTimeoutEndsAnUnusedSession() throws {
        let b = try BrowserHarness(sessions: SessionSettings(idleTimeout: 30 * 60, absoluteTimeout: 8 * 3600))
        try b.addAccount("ann@example.com")
        b.signIn("ann@example.com", "password1")
        b.clock.advance(29 * 60)
        #expect(b.get("/tokens").status == 200)  // use restarts the idle clock
        b.clock.advance(29 * 60)
        #expect(b.get("/tokens").status == 200)
        b.clock.advance(30 * 60)
        #expect(b.get("/tokens").status == 303)
        #expect(try b.t.store.session(digest: RandomSecret(value: b.cookies["authtoken_session"]!).digest) == nil)
    }

    @Test func absoluteTimeoutEndsEvenABusySession() throws {
        let b = try BrowserHarness(sessions: SessionSettings(idleTimeout: 30 * 60, absoluteTimeout: 8 * 3600))
        try b.addAccount("ann@example.com")
        b.signIn("ann@example.com", "password1")
        for _ in 0..<19 {
            b.clock.advance(25 * 60)
            #expect(b.get("/tokens").status == 200)
        }
        b.clock.advance(25 * 60)  // 8 h 20 min after sign-in, never idle for 30 min
        #expect(b.get("/tokens").status == 303)
    }

    @Test func deactivationStopsTheNextRequest() throws {
        let b = try BrowserHarness()
        let id = try b.addAccount("ann@example.com")
        b.signIn("ann@example.com", "password1")
        #expect(b.get("/tokens").status == 200)
        try b.t.store.setActive(accountID: id, false)
        #expect(b.get("/tokens").header("Location") == "/signin?next=%2Ftokens")
    }

    @Test func signInMessagesSayWhatIsWrongOnlyAfterThePassword() throws {
        let b = try BrowserHarness()
        let off = try b.addAccount("off@example.com")
        try b.t.store.setActive(accountID: off, false)
        try b.addAccount("new@example.com", confirmed: false)
        try b.addAccount("ann@example.com")
        let generic = "The e-mail address or the password is wrong."
        #expect(b.signIn("nobody@example.com", "password1").bodyText.contains(generic))
        #expect(b.signIn("ann@example.com", "wrong-password").bodyText.contains(generic))
        #expect(b.signIn("off@example.com", "wrong-password").bodyText.contains(generic))
        #expect(b.signIn("off@example.com", "password1").bodyText.contains("This account is deactivated."))
        #expect(b.signIn("new@example.com", "password1").bodyText.contains("This account is not confirmed yet."))
        #expect(b.cookies["authtoken_session"] == nil)
    }

    @Test func homeRedirectsByState() throws {
        let b = try BrowserHarness()
        try b.addAccount("ann@example.com")
        #expect(b.get("/").header("Location") == "/signin")
        b.signIn("ann@example.com", "password1")
        #expect(b.get("/").header("Location") == "/tokens")
    }

    @Test func privatePagesAreNeverCached() throws {
        let b = try BrowserHarness()
        try b.addAccount("ann@example.com")
        b.signIn("ann@example.com", "password1")
        for path in ["/tokens", "/developer", "/apiauthtoken/create?SCOPE=crmapi", "/signin"] {
            #expect(b.get(path).header("Cache-Control") == "no-store", "\(path)")
        }
    }
}
