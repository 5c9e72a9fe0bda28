import AuthTokenCore
import AuthTokenWeb
import Foundation
import Testing

/// Change password, reset by e-mail, and the sessions page, through the web layer.
@Suite struct PasswordPagesTests {
    /// Signs `b` in and returns the session cookie jar, so one harness can play two browsers.
    func browserSignedIn(_ b: BrowserHarness, _ email: String, _ password: String) -> [String: String] {
        b.cookies = [:]
        b.signIn(email, password)
        return b.cookies
    }

    func waitForMail(_ b: BrowserHarness) throws -> String {
        for _ in 0..<200 {
            if let text = try? String(contentsOf: b.mailFile, encoding: .utf8), text.hasSuffix("\n\n") || text.count > 200 {
                return text
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        throw MailMissing()
    }

    struct MailMissing: Error {}

    @Test func changingThePasswordEndsTheOtherSessionsAndKeepsThisOne() throws {
        let b = try BrowserHarness()
        try b.addAccount("ann@example.com")
        let other = browserSignedIn(b, "ann@example.com", "password1")
        let mine = browserSignedIn(b, "ann@example.com", "password1")
        let csrf = b.sessionToken()
        let wrong = b.post("/password", [("csrf", csrf), ("current", "password2"), ("new", "new-password1"), ("new2", "new-password1")])
        #expect(wrong.status == 400 && wrong.bodyText.contains("Your current password was wrong."))
        let differ = b.post("/password", [("csrf", csrf), ("current", "password1"), ("new", "new-password1"), ("new2", "new-password2")])
        #expect(differ.status == 400 && differ.bodyText.contains("The two new passwords differ."))
        let short = b.post("/password", [("csrf", csrf), ("current", "password1"), ("new", "short"), ("new2", "short")])
        #expect(short.status == 400 && short.bodyText.contains("at least 8 characters"))
        let done = b.post("/password", [("csrf", csrf), ("current", "password1"), ("new", "new-password1"), ("new2", "new-password1")])
        #expect(done.header("Location") == "/password?done=1")
        #expect(b.get("/tokens").status == 200)  // this browser stays signed in
        b.cookies = other
        #expect(b.get("/tokens").header("Location")?.hasPrefix("/signin") == true)  // the other is out
        let mail = try String(contentsOf: b.mailFile, encoding: .utf8)
        #expect(mail.hasPrefix("To: ann@example.com\nSubject: Your authtoken password was changed\n"))
        b.cookies = mine
        #expect(try b.t.auth.tokens.createToken(TokenRequest(email: "ann@example.com", password: "password1", scope: "ZohoCRM/crmapi",
                                                      displayName: nil)).failureValue == .invalidPassword)
        #expect(try b.t.auth.activity.list(accountID: 1, limit: 5).contains { $0.entry.kind == .passwordChanged })
    }

    @Test func aResetLinkSetsANewPasswordOnceAndEndsEverySession() throws {
        let b = try BrowserHarness()
        try b.addAccount("ann@example.com")
        let signedIn = browserSignedIn(b, "ann@example.com", "password1")
        b.cookies = [:]
        let form = b.get("/forgot")
        let asked = b.post("/forgot", [("csrf", BrowserHarness.formToken(form)), ("email", "ANN@example.com")])
        #expect(asked.bodyText.contains("If an account has this address"))
        let mail = try waitForMail(b)
        #expect(mail.hasPrefix("To: ann@example.com\nSubject: Reset your authtoken password\n"))
        #expect(try b.t.auth.activity.list(accountID: 1, limit: 1).first?.entry.kind == .passwordResetRequested)
        let token = String(try #require(mail.firstMatch(of: #/reset\?token=([0-9a-f]{64})/#)?.1))
        let page = b.get("/reset?token=\(token)")
        #expect(page.bodyText.contains("Choose a new password") && !page.bodyText.contains("name=\"code\""))
        let set = b.post("/reset", [("csrf", BrowserHarness.formToken(page)), ("token", token), ("new", "new-password1"),
                                    ("new2", "new-password1")])
        #expect(set.header("Location") == "/signin?reset=1")
        // The owner is told, as after a change on the password page; no secret in the mail.
        let told = try String(contentsOf: b.mailFile, encoding: .utf8)
        #expect(told.hasPrefix("To: ann@example.com\nSubject: Your authtoken password was changed\n"))
        #expect(told.contains("every signed-in session was ended") && !told.contains(token))
        #expect(b.signIn("ann@example.com", "password1").bodyText.contains("wrong"))
        #expect(b.signIn("ann@example.com", "new-password1").header("Location") == "/tokens")
        b.cookies = signedIn
        #expect(b.get("/tokens").header("Location")?.hasPrefix("/signin") == true)
        // Once only.
        #expect(b.get("/reset?token=\(token)").status == 400)
    }

    @Test func anUnknownAddressGetsTheSamePageAndNoMail() throws {
        let b = try BrowserHarness()
        let form = b.get("/forgot")
        let asked = b.post("/forgot", [("csrf", BrowserHarness.formToken(form)), ("email", "nobody@example.com")])
        #expect(asked.status == 200 && asked.bodyText.contains("If an account has this address"))
        Thread.sleep(forTimeInterval: 0.2)
        #expect(!FileManager.default.fileExists(atPath: b.mailFile.path))
        let bad = b.post("/forgot", [("csrf", BrowserHarness.formToken(form)), ("email", "nobody@exаmple.com")])
        #expect(bad.status == 400 && bad.bodyText.contains("not an e-mail address"))
    }

    @Test func aResetOfATwoFactorAccountNeedsItsCode() throws {
        let b = try BrowserHarness()
        let id = try b.addAccount("ann@example.com")
        let account = try #require(try b.t.auth.accounts.existingAccount(email: "ann@example.com"))
        let setup = try #require(try b.t.auth.twoFactor.startTwoFactorSetup(account: account))
        let secret = try #require(Base32.decode(setup.secret))
        _ = try b.t.auth.twoFactor.confirmTwoFactorSetup(account: account, keepSession: nil, password: "password1",
                                               code: TOTP.code(secret: secret, step: TOTP.step(at: b.clock.now))).get()
        b.clock.advance(60)
        guard case .mail(_, let link) = try b.t.auth.accounts.requestPasswordReset(email: "ann@example.com", client: .unknown) else {
            Issue.record("no reset link for an active account"); return
        }
        let page = b.get("/reset?token=\(link.value)")
        #expect(page.bodyText.contains("name=\"code\""))
        let fields = [("csrf", BrowserHarness.formToken(page)), ("token", link.value), ("new", "new-password1"),
                      ("new2", "new-password1")]
        // No code, or an empty one, is a wrong code: the mailed link alone never resets it.
        for noCode in [fields, fields + [("code", "")], fields + [("code", " ")]] {
            let refused = b.post("/reset", noCode)
            #expect(refused.status == 400 && refused.bodyText.contains("two-factor code was wrong"))
            #expect(try b.t.store.account(id: id)?.passwordHash == account.passwordHash)
        }
        let wrong = b.post("/reset", fields + [("code", "000000")])
        #expect(wrong.status == 400 && wrong.bodyText.contains("two-factor code was wrong"))
        #expect(try b.t.store.account(id: id)?.passwordHash == account.passwordHash)
        let right = b.post("/reset", fields + [("code", TOTP.code(secret: secret, step: TOTP.step(at: b.clock.now)))])
        #expect(right.header("Location") == "/signin?reset=1")
    }

    @Test func theSessionsPageListsAndEndsOtherSessions() throws {
        let b = try BrowserHarness()
        try b.addAccount("ann@example.com")
        b.address = "192.0.2.7"
        let first = browserSignedIn(b, "ann@example.com", "password1")
        b.address = "198.51.100.9"
        _ = browserSignedIn(b, "ann@example.com", "password1")
        _ = browserSignedIn(b, "ann@example.com", "password1")
        let page = b.get("/sessions")
        #expect(page.bodyText.components(separatedBy: "class=\"session card\"").count == 4)
        #expect(page.bodyText.contains("(this one)") && page.bodyText.contains("192.0.2.7"))
        let ids = page.bodyText.matches(of: #/name="id" value="([0-9a-f]{16})"/#).map { String($0.1) }
        #expect(ids.count == 2)  // no end button on this one
        let csrf = BrowserHarness.formToken(page)
        #expect(b.post("/sessions/end", [("csrf", csrf), ("id", ids[0])]).header("Location") == "/sessions?done=one")
        #expect(b.post("/sessions/end", [("csrf", csrf), ("id", ids[0])]).status == 404)
        #expect(b.post("/sessions/end-others", [("csrf", csrf)]).header("Location") == "/sessions?done=others")
        #expect(b.get("/sessions").bodyText.components(separatedBy: "class=\"session card\"").count == 2)
        // Both acts are in the owner's activity, newest first.
        let ended = try b.t.auth.activity.list(accountID: 1, limit: 2).map(\.entry)
        #expect(ended.map(\.kind) == [.sessionsEnded, .sessionsEnded])
        #expect(ended[0].detail == "1 other sessions" && ended[1].detail.hasPrefix("one session ("))
        b.cookies = first
        #expect(b.get("/tokens").header("Location")?.hasPrefix("/signin") == true)
        #expect(b.get("/sessions/end").status == 405)
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}

/// Small things a person trips over.
@Suite struct SignInPageTests {
    @Test func aBrowserModeLinkSaysWhatSigningInIsFor() throws {
        let b = try BrowserHarness()
        let start = b.get("/apiauthtoken/create?SCOPE=ZohoCRM/crmapi&DISPLAY_NAME=%3Cb%3EInvoices")
        let target = try #require(start.header("Location"))
        let page = b.get(target)
        #expect(page.bodyText.contains("Sign in to create an auth token with the scope ZohoCRM/crmapi, for the application “&lt;b&gt;Invoices”."))
        #expect(!b.get("/signin?next=/tokens").bodyText.contains("Sign in to create"))
    }

    @Test func removingTheLastTokenSaysThereAreNone() throws {
        let b = try BrowserHarness()
        let ann = try b.addAccount("ann@example.com")
        let token = try b.t.auth.tokens.issueToken(accountID: ann, scopes: ["ZohoCRM/crmapi"], displayName: "only").get()
        b.signIn("ann@example.com", "password1")
        #expect(!b.get("/tokens").bodyText.contains("You have no tokens yet."))
        #expect(b.post("/tokens/remove", [("csrf", b.sessionToken()), ("id", "\(token.record.id)")]).status == 303)
        #expect(b.get("/tokens?done=removed").bodyText.contains("You have no tokens yet."))
    }
}

/// OWASP's device cookie: failures made elsewhere do not lock out a browser that signed in
/// before; that browser has its own small budget.
@Suite struct DeviceCookieTests {
    @Test func twentyFailuresBlockNewBrowsersButNotTheOwnersKnownOne() throws {
        let b = try BrowserHarness()
        try b.addAccount("ann@example.com")
        b.address = "192.0.2.10"
        b.signIn("ann@example.com", "password1")
        let device = try #require(b.cookies["authtoken_device"])
        #expect(device.hasPrefix("1.") && !device.contains("password1"))
        let owner = ["authtoken_device": device]

        // The attacker: another browser, another address, twenty wrong passwords.
        b.cookies = [:]
        b.address = "203.0.113.66"
        for _ in 0..<20 { b.signIn("ann@example.com", "guess") }
        #expect(b.signIn("ann@example.com", "password1").status == 429)
        // A new browser of the owner's, elsewhere: the account is blocked for it too.
        b.cookies = [:]
        b.address = "198.51.100.1"
        #expect(b.signIn("ann@example.com", "password1").status == 429)
        // The owner's known browser, even from the attacker's address: signed in.
        b.cookies = owner
        b.address = "203.0.113.66"
        #expect(b.signIn("ann@example.com", "password1").header("Location") == "/tokens")

        // Its own budget: five failures block that device alone.
        b.cookies = owner
        for _ in 0..<5 { b.signIn("ann@example.com", "typo") }
        #expect(b.signIn("ann@example.com", "password1").status == 429)
    }

    @Test func aForgedOrAnotherAccountsDeviceCookieCountsForNothing() throws {
        let b = try BrowserHarness()
        try b.addAccount("ann@example.com")
        try b.addAccount("bob@example.com")
        b.signIn("bob@example.com", "password1")
        let bobs = try #require(b.cookies["authtoken_device"])
        let forged = "1." + String(repeating: "a", count: 32) + "." + String(repeating: "0", count: 64)
        for cookie in [bobs, forged, bobs.replacingOccurrences(of: "2.", with: "1.")] {
            #expect(b.t.auth.deviceCookies?.device(in: cookie, accountID: 1) == nil, "\(cookie)")
        }
        #expect(b.t.auth.deviceCookies?.device(in: bobs, accountID: 2) != nil)
        // With a forged cookie the attacker still hits the account's limit.
        b.address = "203.0.113.66"
        b.cookies = ["authtoken_device": forged]
        for _ in 0..<10 { b.signIn("ann@example.com", "guess") }
        b.cookies = [:]
        b.address = "198.51.100.1"
        #expect(b.signIn("ann@example.com", "password1").status == 429)
    }
}
