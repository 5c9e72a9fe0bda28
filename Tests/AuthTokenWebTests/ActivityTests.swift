import AuthTokenCore
import AuthTokenStore
import AuthTokenWeb
import Foundation
import Testing

/// Every kind of event reaches the activity log through the real routes, with address and
/// user agent, and no entry holds a secret that was used along the way.
@Suite struct ActivityTests {
    @Test func eachEventIsLoggedWithoutSecrets() throws {
        let b = try BrowserHarness(maxTokens: 1)
        b.address = "192.0.2.5"
        let id = try b.addAccount("ann@example.com", password: "password1")
        var secrets = ["password1"]
        let agent = "Mozilla/5.0 <b>\u{1b}[31m" + String(repeating: "x", count: 300)

        // Failed and successful sign-ins, with a hostile user agent.
        _ = b.send("POST", "/signin", form: [("csrf", BrowserHarness.formToken(b.get("/signin"))),
            ("email", "ann@example.com"), ("password", "wrong-guess")], headers: ["user-agent": agent])
        secrets.append("wrong-guess")
        let signIn = b.send("POST", "/signin", form: [("csrf", BrowserHarness.formToken(b.get("/signin"))),
            ("email", "ann@example.com"), ("password", "password1")], headers: ["user-agent": agent])
        #expect(signIn.status == 303 || signIn.status == 302)
        secrets.append(try #require(b.cookies["authtoken_session"]))
        let csrf = b.sessionToken()

        // Tokens: created, refused at the cap (1), regenerated, removed.
        let created = b.post("/tokens", [("csrf", csrf), ("scope", "ZohoCRM/crmapi"), ("name", "ci job")])
        secrets.append(String(try #require(created.bodyText.firstMatch(of: #/id="token-value" class="secret">([0-9a-f]{32})</#)?.1)))
        #expect(b.post("/tokens", [("csrf", csrf), ("scope", "ZohoCRM/crmapi"), ("name", "two")]).status == 409)
        let tokenID = try #require(try b.t.store.tokens(accountID: id).first?.id)
        let regenerated = b.post("/tokens/regenerate", [("csrf", csrf), ("id", "\(tokenID)")])
        let value = String(try #require(regenerated.bodyText.firstMatch(of: #/id="token-value" class="secret">([0-9a-f]{32})</#)?.1))
        secrets.append(value)
        #expect(b.post("/tokens/remove", [("csrf", csrf), ("id", "\(tokenID)")]).status == 303)

        // API mode: a token, then /apiauthtoken/delete.
        let api = b.send("GET", "/apiauthtoken/create?SCOPE=ZohoCRM/crmapi&EMAIL_ID=ann@example.com&PASSWORD=password1",
                         headers: ["user-agent": "curl/8.0"])
        let apiToken = String(try #require(api.bodyText.firstMatch(of: #/AUTHTOKEN=([0-9a-f]{32})/#)?.1))
        secrets.append(apiToken)
        #expect(b.get("/apiauthtoken/delete?AUTHTOKEN=\(apiToken)").bodyText.contains("RESULT=TRUE"))

        // Application password: created (shown once) and revoked.
        let app = b.post("/app-passwords", [("csrf", csrf), ("name", "backup box"), ("password", "password1")])
        #expect(app.status == 200)
        let appID = try #require(try b.t.auth.appPasswords.list(accountID: id).first?.id)
        let appPassword = try #require(app.bodyText.firstMatch(of: #/class="secret"[^>]*>([^<]+)</#)?.1)
        secrets.append(String(appPassword))
        #expect(b.post("/app-passwords/revoke", [("csrf", csrf), ("id", "\(appID)")]).status == 303)

        // Two-factor on (a wrong code first), then off.
        let setup = b.post("/twofactor/setup", [("csrf", csrf)])
        let secret = String(try #require(setup.bodyText.firstMatch(of: #/secret=([A-Z2-7]+)/#)?.1))
        secrets.append(secret)
        #expect(b.post("/twofactor/confirm", [("csrf", csrf), ("password", "password1"), ("code", "000000")]).status == 400)
        let code = TOTP.code(secret: try #require(Base32.decode(secret)), step: TOTP.step(at: b.clock.now))
        secrets.append(code)
        #expect(b.post("/twofactor/confirm", [("csrf", csrf), ("password", "password2"), ("code", code)]).status == 400)
        let codes = b.post("/twofactor/confirm", [("csrf", csrf), ("password", "password1"), ("code", code)])
        #expect(codes.status == 200)
        b.clock.advance(30)
        let next = TOTP.code(secret: try #require(Base32.decode(secret)), step: TOTP.step(at: b.clock.now))
        secrets.append(next)
        #expect(b.post("/twofactor/disable", [("csrf", csrf), ("password", "password1"), ("code", next)]).status == 303)

        // The page, then sign-out.
        let page = b.get("/activity")
        #expect(page.status == 200)
        #expect(page.bodyText.contains("Recent activity"))
        #expect(page.bodyText.contains("&lt;b&gt;"))
        #expect(!page.bodyText.contains("<b>"))
        #expect(b.post("/signout", [("csrf", csrf)]).status == 303)

        let entries = try b.t.auth.activity.list(accountID: id, limit: 100).map(\.entry)
        let kinds = Set(entries.map(\.kind))
        let expected: Set<ActivityKind> = [
            .signInFailed, .signIn, .tokenCreated, .tokenRefused, .tokenRegenerated, .tokenRemoved,
            .appPasswordCreated, .appPasswordRevoked, .twoFactorOn, .twoFactorOff, .signOut,
        ]
        #expect(expected.isSubset(of: kinds), "missing: \(expected.subtracting(kinds))")
        #expect(entries.first?.kind == .signOut)  // newest first
        #expect(entries.allSatisfy { $0.address == "192.0.2.5" })
        let browserAgent = try #require(entries.first(where: { $0.kind == .signIn && $0.detail == "browser" })?.userAgent)
        #expect(browserAgent.count == Client.maxUserAgent)
        #expect(browserAgent.hasPrefix("Mozilla/5.0 <b>[31m"))
        #expect(entries.contains { $0.userAgent == "curl/8.0" && $0.kind == .tokenCreated })
        #expect(entries.contains { $0.kind == .tokenRemoved && $0.detail.hasPrefix("/apiauthtoken/delete") })
        // The token removed on the page is named by id and hint, with one ellipsis.
        #expect(entries.contains { $0.kind == .tokenRemoved && $0.detail == "browser, token #\(tokenID) …\(value.suffix(4))" })
        #expect(!entries.contains { $0.detail.contains("……") })
        #expect(entries.contains { $0.kind == .appPasswordCreated && $0.detail.contains("backup box") })
        for entry in entries {
            for secret in secrets {
                #expect(![entry.detail, entry.userAgent, entry.address].contains { $0.contains(secret) },
                        "\(entry.kind) holds a secret")
            }
        }
    }

    @Test func theBlockedSignInFormSays429() throws {
        let b = try BrowserHarness()
        b.address = "192.0.2.9"
        try b.addAccount("bob@example.com", password: "password1")
        for _ in 0..<10 { _ = b.signIn("bob@example.com", "wrong") }
        let page = b.signIn("bob@example.com", "password1")
        #expect(page.status == 429)
        #expect(page.bodyText.contains("Too many failed sign-in attempts"))
        #expect(b.cookies["authtoken_session"] == nil)
    }

    @Test func activityNeedsASignIn() throws {
        let b = try BrowserHarness()
        let page = b.get("/activity")
        #expect(page.status == 303 || page.status == 302)
    }
}
