import AuthTokenCore
import AuthTokenWeb
import Foundation
import Testing

/// The expiry choice on the token page and in browser mode, the "expired on" rows, the
/// banner, renewal, and API mode's `EXPIRES_IN_DAYS`.
@Suite struct TokenExpiryPagesTests {
    let day: TimeInterval = 86400

    @Test func theTokenPageOffersTheChoicesAndStoresTheOneChosen() throws {
        let b = try BrowserHarness()
        let ann = try b.addAccount("ann@example.com")
        b.signIn("ann@example.com", "password1")
        let page = b.get("/tokens").bodyText
        for option in ["value=\"never\" selected>never", "value=\"30\">30 days", "value=\"90\">90 days",
                       "value=\"365\">365 days", "value=\"date\">on a date"] {
            #expect(page.contains(option), "\(option)")
        }
        let start = b.clock.now
        let made = b.post("/tokens", [("csrf", b.sessionToken()), ("scope", "ZohoPC/docsapi"), ("name", "d"), ("expiry", "90")])
        #expect(made.status == 200)
        #expect(made.bodyText.contains("<dd class=\"expires\"><time datetime="))
        let dated = b.post("/tokens", [
            ("csrf", b.sessionToken()), ("scope", "ZohoPC/docsapi"), ("name", "e"), ("expiry", "date"),
            ("expiry_date", "2026-12-31"),
        ])
        #expect(dated.status == 200)
        let never = b.post("/tokens", [("csrf", b.sessionToken()), ("scope", "ZohoPC/docsapi"), ("name", "f")])
        #expect(never.bodyText.contains("<dd class=\"expires\">never</dd>"))
        let stored = try b.t.store.tokens(accountID: ann)
        #expect(stored.map(\.expiresAt) == [
            start.addingTimeInterval(90 * day), Date(timeIntervalSince1970: 1_798_761_600), nil,
        ])
        for bad in [[("expiry", "date"), ("expiry_date", "2020-01-01")], [("expiry", "date"), ("expiry_date", "2026-02-30")],
                    [("expiry", "date")], [("expiry", "0")], [("expiry", "forever")]] {
            let refused = b.post("/tokens", [("csrf", b.sessionToken()), ("scope", "ZohoPC/docsapi"), ("name", "x")] + bad)
            #expect(refused.status == 400 && refused.bodyText.contains("Unusable expiry"), "\(bad)")
        }
        #expect(try b.t.store.tokens(accountID: ann).count == 3)
    }

    @Test func anExpiredTokenStaysListedWithItsLastUseAndCanBeRenewed() throws {
        let b = try BrowserHarness()
        let ann = try b.addAccount("ann@example.com")
        let issued = try b.t.auth.tokens.issueToken(
            accountID: ann, scopes: ["ZohoCRM/crmapi"], displayName: "nightly sync", expiry: .days(30)).get()
        let soon = try b.t.auth.tokens.issueToken(
            accountID: ann, scopes: ["ZohoCRM/crmapi"], displayName: "weekly report",
            expiry: .until(b.clock.now.addingTimeInterval(36.5 * day))).get()
        b.clock.advance(29 * day)
        #expect(try b.t.auth.check.checkToken(issued.secret.value, scope: "crmapi", from: "192.0.2.7") != .invalidToken)
        try b.t.auth.usage.flushAll()
        b.signIn("ann@example.com", "password1")
        let warned = b.get("/tokens").bodyText
        #expect(warned.contains("Expiring within 7 days: <a href=\"#token-\(issued.record.id)\">nightly sync</a>"))
        #expect(!warned.contains(">weekly report</a>"))
        #expect(warned.components(separatedBy: "(within 7 days)").count == 2)  // on the one card only
        b.clock.advance(day)
        b.signIn("ann@example.com", "password1")  // the session has timed out meanwhile
        let page = b.get("/tokens").bodyText
        #expect(page.contains("<strong class=\"expired-on\">expired on"))
        #expect(page.contains("from <span class=\"last-used-from\">192.0.2.7</span>"))
        #expect(page.contains("href=\"/tokens/regenerate?id=\(issued.record.id)\">Renew</a>"))
        // The banner now names the one still ahead, not the one already gone.
        #expect(page.contains("Expiring within 7 days: <a href=\"#token-\(soon.record.id)\">weekly report</a> (2026-12-24 23:06 UTC)."))
        let ask = b.get("/tokens/regenerate?id=\(issued.record.id)")
        #expect(ask.bodyText.contains("Renew this token?"))
        #expect(ask.bodyText.contains("The new value expires on"))
        let renewed = b.post("/tokens/regenerate", [("csrf", BrowserHarness.formToken(ask)), ("id", "\(issued.record.id)")])
        let value = try #require(renewed.bodyText.firstMatch(of: #/id="token-value" class="secret">([0-9a-f]{32})</#)?.1)
        #expect(try b.t.auth.check.checkToken(String(value), scope: "crmapi", from: "") != .invalidToken)
        let row = try #require(try b.t.auth.tokens.token(id: issued.record.id, accountID: ann))
        #expect(row.displayName == "nightly sync" && row.expiresAt == b.clock.now.addingTimeInterval(30 * day))
        #expect(!b.get("/tokens").bodyText.contains("expired on"))
    }

    @Test func browserModeTakesTheLinksDaysAsTheDefaultChoice() throws {
        let b = try BrowserHarness()
        let ann = try b.addAccount("ann@example.com")
        b.signIn("ann@example.com", "password1")
        let ask = b.get("/apiauthtoken/create?SCOPE=crmapi&EXPIRES_IN_DAYS=30")
        #expect(ask.bodyText.contains("<option value=\"30\" selected>30 days</option>"))
        #expect(b.get("/apiauthtoken/create?SCOPE=crmapi&EXPIRES_IN_DAYS=soon").status == 400)
        let made = b.post("/apiauthtoken/create", [
            ("csrf", BrowserHarness.formToken(ask)), ("SCOPE", "crmapi"), ("expiry", "365"),
        ])
        #expect(made.status == 200)
        #expect(try b.t.store.tokens(accountID: ann).map(\.expiresAt) == [b.clock.now.addingTimeInterval(365 * day)])
    }

    @Test func apiModeAnswersInvalidExpiryInTheLegacyFormat() throws {
        let b = try BrowserHarness()
        let ann = try b.addAccount("ann@example.com")
        let refused = b.get("/apiauthtoken/create?EMAIL_ID=ann@example.com&PASSWORD=password1&SCOPE=crmapi&EXPIRES_IN_DAYS=0")
        #expect(refused.bodyText.hasSuffix("\nCAUSE=INVALID_EXPIRY\nRESULT=FALSE\n"))
        let made = b.get("/apiauthtoken/create?EMAIL_ID=ann@example.com&PASSWORD=password1&SCOPE=crmapi&EXPIRES_IN_DAYS=2")
        #expect(made.bodyText.contains("\nAUTHTOKEN="))
        #expect(try b.t.store.tokens(accountID: ann).map(\.expiresAt) == [b.clock.now.addingTimeInterval(2 * day)])
    }
}
