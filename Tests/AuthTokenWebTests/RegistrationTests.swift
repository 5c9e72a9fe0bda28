import AuthTokenCore
import AuthTokenStore
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
        // No password opens it before its link: the registration's password waits with the link.
        #expect(b.signIn("eve@example.com", "password1").bodyText.contains("The e-mail address or the password is wrong."))
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

    func register(_ b: BrowserHarness, _ email: String, password: String) -> HTTPResponse {
        let form = b.get("/register")
        return b.post("/register", [
            ("csrf", BrowserHarness.formToken(form)), ("email", email), ("name", "Eve"),
            ("password", password), ("password2", password),
        ])
    }

    /// Registration takeover, both orders: each link confirms the password of its own
    /// registration, whichever came later; the other link then ends.
    @Test(arguments: [false, true])
    func eachLinkConfirmsItsOwnRegistrationsPassword(ownerFirst: Bool) throws {
        let b = try BrowserHarness()
        var links: [String: String] = [:]
        for who in ownerFirst ? ["owner", "outsider"] : ["outsider", "owner"] {
            try? FileManager.default.removeItem(at: b.mailFile)
            _ = register(b, "eve@example.com", password: who + "-password")
            links[who] = try mailedSecret(b)
        }
        #expect(try b.t.store.account(email: "eve@example.com")?.passwordHash == Account.noPassword)
        #expect(confirm(b, try #require(links["owner"])).header("Location") == "/signin?confirmed=1")
        #expect(confirm(b, try #require(links["outsider"])).status == 400)
        #expect(b.signIn("eve@example.com", "outsider-password").header("Location") == nil)
        #expect(b.signIn("eve@example.com", "owner-password").header("Location") == "/tokens")
    }

    /// An account an administrator made without `--confirmed` is not open to `/register`:
    /// the same page, its owner told, nothing changed; `user confirm` then opens it with the
    /// administrator's password only.
    @Test func anAdminMadeAccountIsNotOpenToRegistration() throws {
        let b = try BrowserHarness()
        let id = try b.addAccount("eve@example.com", password: "admin-given", confirmed: false)
        let before = try b.t.store.account(id: id)
        #expect(register(b, "eve@example.com", password: "outsider-password").bodyText.contains("Check your e-mail"))
        let mail = try String(contentsOf: b.mailFile, encoding: .utf8)
        #expect(mail.hasPrefix("To: eve@example.com\nSubject: Someone tried to register with your address\n"))
        #expect(!mail.contains("token="))
        #expect(try b.t.store.account(id: id) == before)
        #expect(try b.t.auth.accounts.setConfirmed(accountID: id, true))
        #expect(b.signIn("eve@example.com", "outsider-password").header("Location") == nil)
        #expect(b.signIn("eve@example.com", "admin-given").header("Location") == "/tokens")
    }

    /// At most `registrationMailsPerHour` registration mails to one address an hour, the
    /// same page for the rest; an hour later mails go again.
    @Test func registrationMailsPerAddressAreLimited() throws {
        let b = try BrowserHarness()
        for _ in 0..<AccountService.registrationMailsPerHour {
            try? FileManager.default.removeItem(at: b.mailFile)
            _ = register(b, "eve@example.com")
            #expect(FileManager.default.fileExists(atPath: b.mailFile.path))
        }
        try FileManager.default.removeItem(at: b.mailFile)
        #expect(register(b, "Eve@example.com").bodyText.contains("Check your e-mail"))
        #expect(!FileManager.default.fileExists(atPath: b.mailFile.path))
        b.clock.advance(3600)
        _ = register(b, "eve@example.com")
        #expect(FileManager.default.fileExists(atPath: b.mailFile.path))
    }

    /// Without `AUTHTOKEN_PUBLIC_URL` no mail with a link goes out: `/register` and
    /// `/forgot` say so, whatever the request's Host, and store nothing.
    @Test func withoutAPublicURLNoLinkIsMailed() throws {
        let b = try BrowserHarness(publicURL: nil)
        try b.addAccount("ann@example.com")
        let form = b.get("/register")
        let registration = b.send("POST", "/register", form: [
            ("csrf", BrowserHarness.formToken(form)), ("email", "eve@example.com"), ("password", "password1"),
            ("password2", "password1"),
        ], headers: ["host": "attacker.example"])
        #expect(registration.status == 503 && registration.bodyText.contains("AUTHTOKEN_PUBLIC_URL"))
        let forgotForm = b.get("/forgot")
        let forgot = b.send("POST", "/forgot", form: [
            ("csrf", BrowserHarness.formToken(forgotForm)), ("email", "ann@example.com"),
        ], headers: ["host": "attacker.example"])
        #expect(forgot.status == 503 && forgot.bodyText.contains("AUTHTOKEN_PUBLIC_URL"))
        Thread.sleep(forTimeInterval: 0.2)  // a reset mail would go out on its own thread
        #expect(!FileManager.default.fileExists(atPath: b.mailFile.path))
        #expect(try b.t.store.account(email: "eve@example.com") == nil)
    }

    /// With one, links start with it whatever the request's Host says.
    @Test func mailedLinksIgnoreTheHostHeader() throws {
        let b = try BrowserHarness(publicURL: "https://tokens.example.com/")
        let form = b.get("/register")
        _ = b.send("POST", "/register", form: [
            ("csrf", BrowserHarness.formToken(form)), ("email", "eve@example.com"), ("password", "password1"),
            ("password2", "password1"),
        ], headers: ["host": "attacker.example"])
        let mail = try String(contentsOf: b.mailFile, encoding: .utf8)
        #expect(mail.contains("\nhttps://tokens.example.com/confirm?token="))
        #expect(!mail.contains("attacker"))
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
