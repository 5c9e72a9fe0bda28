import AuthTokenCore
import AuthTokenWeb
import Foundation
import Testing

@Suite struct RegistrationTests {
    func register(_ b: BrowserHarness, _ email: String) -> HTTPResponse {
        let form = b.get("/register")
        return b.post("/register", [
            ("csrf", BrowserHarness.formToken(form)), ("email", email), ("name", "Eve"),
            ("password", "password1"), ("password2", "password1"),
        ])
    }

    func mailedSecret(_ b: BrowserHarness) throws -> String {
        let mail = try String(contentsOf: b.mailFile, encoding: .utf8)
        #expect(mail.hasPrefix("To: eve@example.com\nSubject: Confirm your authtoken account\n"))
        let match = try #require(mail.firstMatch(of: #/http://localhost/confirm\?token=([0-9a-f]{64})/#))
        return String(match.1)
    }

    func confirm(_ b: BrowserHarness, _ secret: String) -> HTTPResponse {
        let page = b.get("/confirm?token=\(secret)")
        return b.post("/confirm", [("csrf", BrowserHarness.formToken(page)), ("token", secret)])
    }

    @Test func linkConfirmsOnceThenSignInWorks() throws {
        let b = try BrowserHarness()
        #expect(register(b, "eve@example.com").bodyText.contains("Check your e-mail"))
        let account = try #require(try b.t.store.account(email: "eve@example.com"))
        #expect(!account.confirmed)
        let secret = try mailedSecret(b)
        #expect(b.signIn("eve@example.com", "password1").bodyText.contains("not confirmed yet"))
        #expect(b.get("/confirm?token=\(secret)").bodyText.contains("Confirm my account"))
        #expect(try b.t.store.account(email: "eve@example.com")?.confirmed == false)  // GET changes nothing
        #expect(confirm(b, secret).header("Location") == "/signin?confirmed=1")
        #expect(try b.t.store.account(email: "eve@example.com")?.confirmed == true)
        #expect(confirm(b, secret).status == 400)  // single use
        #expect(b.signIn("eve@example.com", "password1").header("Location") == "/tokens")
    }

    @Test func linkExpiresAfter24Hours() throws {
        let b = try BrowserHarness()
        _ = register(b, "eve@example.com")
        let secret = try mailedSecret(b)
        b.clock.advance(24 * 3600)
        #expect(confirm(b, secret).status == 400)
        #expect(try b.t.store.account(email: "eve@example.com")?.confirmed == false)
    }

    /// A confirmed address: the same page as a new one, nothing changed, and the owner is
    /// told by mail (no link in it).
    @Test func aTakenAddressGetsTheSamePageAndItsOwnerAMail() throws {
        let b = try BrowserHarness()
        try b.addAccount("eve@example.com")
        let before = try b.t.store.account(email: "eve@example.com")
        let page = register(b, "eve@example.com")
        #expect(page.status == 200 && page.bodyText.contains("Check your e-mail"))
        let mail = try String(contentsOf: b.mailFile, encoding: .utf8)
        #expect(mail.hasPrefix("To: eve@example.com\nSubject: Someone tried to register with your address\n"))
        #expect(!mail.contains("token="))
        #expect(try b.t.store.account(email: "eve@example.com") == before)
    }

    /// The hijack through the pages: the attacker's link is dead once the owner registers.
    @Test func registeringAnUnconfirmedAddressAgainKillsTheFirstLink() throws {
        let b = try BrowserHarness()
        _ = register(b, "eve@example.com")
        let first = try mailedSecret(b)
        try FileManager.default.removeItem(at: b.mailFile)
        _ = register(b, "eve@example.com")
        let second = try mailedSecret(b)
        #expect(first != second)
        #expect(confirm(b, first).status == 400)
        #expect(confirm(b, second).header("Location") == "/signin?confirmed=1")
    }

    @Test func badInputKeepsTheForm() throws {
        let b = try BrowserHarness()
        let form = b.get("/register")
        let short = b.post("/register", [
            ("csrf", BrowserHarness.formToken(form)), ("email", "eve@example.com"),
            ("password", "short"), ("password2", "short"),
        ])
        #expect(short.bodyText.contains("at least 8 characters"))
        #expect(short.bodyText.contains("value=\"eve@example.com\""))
        #expect(try b.t.store.account(email: "eve@example.com") == nil)
    }
}
