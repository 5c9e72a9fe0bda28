@_spi(Testing) import AuthTokenCore
import AuthTokenWeb
import AuthTokenStore
import Testing

@Suite struct TokenPagesTests {
    @Test func anotherAccountsTokenIdIs404AndChangesNothing() throws {
        let b = try BrowserHarness()
        try b.addAccount("ann@example.com")
        let bob = try b.addAccount("bob@example.com")
        let theirs = try b.t.auth.tokens.issueToken(accountID: bob, scopes: ["ZohoCRM/crmapi"], displayName: "bob's").get()
        b.signIn("ann@example.com", "password1")
        let csrf = b.sessionToken()
        #expect(b.get("/tokens/remove?id=\(theirs.record.id)").status == 404)
        #expect(b.get("/tokens/regenerate?id=\(theirs.record.id)").status == 404)
        let remove = b.post("/tokens/remove", [("csrf", csrf), ("id", "\(theirs.record.id)")])
        #expect(remove.status == 404)
        #expect(remove.bodyText.contains("No such token"))
        #expect(b.post("/tokens/regenerate", [("csrf", csrf), ("id", "\(theirs.record.id)")]).status == 404)
        #expect(b.post("/tokens/remove", [("csrf", csrf), ("id", "abc")]).status == 404)
        let stored = try b.t.store.tokens(accountID: bob)
        #expect(stored.count == 1)
        #expect(stored[0].digest == theirs.secret.digest)
        #expect(!b.get("/tokens").bodyText.contains("bob&#39;s"))
    }

    @Test func regenerateKeepsIdNameAndScopesAndKillsTheOldValue() throws {
        let b = try BrowserHarness()
        let ann = try b.addAccount("ann@example.com")
        let old = try b.t.auth.tokens.issueToken(accountID: ann, scopes: ["ZohoCRM/crmapi", "ZohoPC/docsapi"], displayName: "sync").get()
        b.signIn("ann@example.com", "password1")
        let page = b.post("/tokens/regenerate", [("csrf", b.sessionToken()), ("id", "\(old.record.id)")])
        #expect(page.status == 200)
        let value = try #require(page.bodyText.firstMatch(of: #/id="token-value" class="secret">([0-9a-f]{32})</#)?.1)
        #expect(page.bodyText.contains("AUTHTOKEN=\(value)\nRESULT=TRUE\n"))
        #expect(try b.t.store.token(digest: old.secret.digest) == nil)
        let now = try #require(try b.t.store.token(digest: TokenSecret.digest(of: String(value))))
        #expect(now.id == old.record.id && now.displayName == "sync" && now.scopes == ["ZohoCRM/crmapi", "ZohoPC/docsapi"])
        #expect(now.hint == "…" + value.suffix(4))
    }

    @Test func removeAsksFirstThenDeletes() throws {
        let b = try BrowserHarness()
        let ann = try b.addAccount("ann@example.com")
        let token = try b.t.auth.tokens.issueToken(accountID: ann, scopes: ["ZohoCRM/crmapi"], displayName: "old job").get()
        b.signIn("ann@example.com", "password1")
        let ask = b.get("/tokens/remove?id=\(token.record.id)")
        #expect(ask.bodyText.contains("Remove this token?") && ask.bodyText.contains("old job"))
        #expect(try b.t.store.tokens(accountID: ann).count == 1)  // GET changes nothing
        let done = b.post("/tokens/remove", [("csrf", BrowserHarness.formToken(ask)), ("id", "\(token.record.id)")])
        #expect(done.header("Location") == "/tokens?done=removed")
        #expect(try b.t.store.tokens(accountID: ann).isEmpty)
        #expect(b.get("/tokens?done=removed").bodyText.contains("The token was removed."))
    }

    /// A token made on the token page or in browser mode gets its activity entry and its
    /// creation notice, as one made in API mode does.
    @Test func tokensMadeOnThePagesAreLoggedAndAnnounced() throws {
        let b = try BrowserHarness(creationNotices: true)
        let ann = try b.addAccount("ann@example.com")
        b.signIn("ann@example.com", "password1")
        func newest() throws -> (kind: ActivityKind?, detail: String?, mail: String) {
            b.t.auth.notices.waitUntilSent()
            let entry = try b.t.auth.activity.list(accountID: ann, limit: 1).first?.entry
            return (entry?.kind, entry?.detail, (try? String(contentsOf: b.mailFile, encoding: .utf8)) ?? "")
        }
        let made = b.post("/tokens", [("csrf", b.sessionToken()), ("scope", "ZohoPC/docsapi"), ("name", "docs")])
        #expect(made.status == 200 && made.bodyText.contains("Token created"))
        let docs = try #require(try b.t.store.tokens(accountID: ann).first { $0.displayName == "docs" })
        var last = try newest()
        #expect(last.kind == .tokenCreated && last.detail == "browser, token #\(docs.id) \(docs.hint)")
        #expect(last.mail.hasPrefix("To: ann@example.com\n"))
        #expect(last.mail.contains("A new auth token “docs” (\(docs.hint), scopes ZohoPC/docsapi;"))
        #expect(last.mail.contains(", through browser, from "))
        let ask = b.get("/apiauthtoken/create?SCOPE=crmapi&DISPLAY_NAME=sync")
        let shown = b.post("/apiauthtoken/create", [("csrf", BrowserHarness.formToken(ask)), ("SCOPE", "crmapi"),
                                                    ("DISPLAY_NAME", "sync")])
        #expect(shown.status == 200 && shown.bodyText.contains("RESULT=TRUE"))
        let sync = try #require(try b.t.store.tokens(accountID: ann).first { $0.displayName == "sync" })
        last = try newest()
        #expect(last.kind == .tokenCreated && last.detail == "browser, token #\(sync.id) \(sync.hint)")
        #expect(last.mail.contains("A new auth token “sync” (\(sync.hint), scopes ZohoCRM/crmapi;"))
    }

    @Test func createFromTheTokenPageAndTheCap() throws {
        let b = try BrowserHarness(maxTokens: 1)
        let ann = try b.addAccount("ann@example.com")
        b.signIn("ann@example.com", "password1")
        #expect(b.post("/tokens", [("csrf", b.sessionToken()), ("scope", "Nope/nope"), ("name", "x")]).status == 400)
        let first = b.post("/tokens", [("csrf", b.sessionToken()), ("scope", "ZohoPC/docsapi"), ("name", "docs")])
        #expect(first.status == 200 && first.bodyText.contains("Token created"))
        #expect(try b.t.store.tokens(accountID: ann).map(\.displayName) == ["docs"])
        let full = b.post("/tokens", [("csrf", b.sessionToken()), ("scope", "ZohoPC/docsapi"), ("name", "more")])
        #expect(full.status == 409)
        #expect(full.bodyText.contains("Too many tokens"))
        #expect(b.get("/apiauthtoken/create?SCOPE=crmapi").status == 409)
        #expect(try b.t.store.tokens(accountID: ann).count == 1)
    }
}
