import AuthTokenCore
import AuthTokenStore
import AuthTokenWeb
import Foundation
import Testing

/// The administrators' pages through the web layer: who gets in, the form token, the acts
/// and both activity trails.
@Suite struct AdminPagesTests {
    static let methods = ["GET", "POST", "PUT", "DELETE", "HEAD"]
    static var adminRoutes: [Route] { WebApp.routes.filter { $0.access == .admin } }

    @Test func theTableHasTheAdminPages() {
        #expect(Self.adminRoutes.map(\.path).sorted() == [
            "/admin", "/admin/account", "/admin/account/action", "/admin/accounts", "/admin/activity",
            "/admin/app-passwords", "/admin/app-passwords/csv", "/admin/app-passwords/revoke",
            "/admin/app-passwords/revoke-all", "/admin/overview", "/admin/overview/csv", "/admin/tokens",
            "/admin/tokens/csv",
            "/admin/tokens/revoke", "/admin/tokens/revoke-all",
        ])
    }

    @Test func nonAdminsGetTheUnknownPath404OnEveryAdminPathAndMethod() throws {
        let b = try BrowserHarness()
        let ann = try b.addAccount("ann@example.com")
        let (token, _) = try b.issue(ann)
        let unknown = b.get("/no-such-page")
        for signedIn in [false, true] {
            if signedIn { b.signIn("ann@example.com", "password1") }
            let csrf = signedIn ? b.sessionToken() : ""
            for route in Self.adminRoutes {
                for method in Self.methods {
                    let response = b.send(method, route.path + "?id=\(ann)&action=deactivate", form: method == "POST"
                        ? [("csrf", csrf), ("id", String(ann)), ("action", "deactivate"), ("confirmed", "1")] : [])
                    #expect(response == unknown, "\(method) \(route.path) signed in: \(signedIn)")
                }
            }
        }
        #expect(try b.t.auth.admin.account(id: ann)?.active == true)
        #expect(try b.passes(token))
        #expect(!b.get("/tokens").bodyText.contains("/admin/accounts"))
    }

    @Test func anAdminWithoutTwoFactorIsToldToTurnItOn() throws {
        let b = try BrowserHarness()
        let bob = try b.addAccount("bob@example.com")
        try b.signInAsAdmin(twoFactor: false)
        #expect(b.get("/tokens").bodyText.contains("<a href=\"/admin/accounts\">Administration</a>"))
        for route in Self.adminRoutes {
            let response = b.get(route.path + "?id=\(bob)")
            #expect(response.status == 403, "\(route.path)")
            #expect(response.bodyText.contains("Turn on two-factor sign-in first"), "\(route.path)")
            #expect(response.bodyText.contains("href=\"/twofactor\""))
        }
        let post = b.post("/admin/account/action", [("csrf", b.sessionToken()), ("id", String(bob)),
                                                    ("action", "deactivate"), ("confirmed", "1")])
        #expect(post.status == 403)
        #expect(try b.t.auth.admin.account(id: bob)?.active == true)
    }

    /// Two-factor turned on after this session began: the session took no code, so it is
    /// sent to sign in again, and nothing it posts is done.
    @Test func aSessionThatTookNoCodeIsSentToSignInAgain() throws {
        let b = try BrowserHarness()
        let bob = try b.addAccount("bob@example.com")
        let root = try b.signInAsAdmin(twoFactor: false)
        let setup = try #require(try b.t.auth.twoFactor.startTwoFactorSetup(account: root))
        let secret = try #require(Base32.decode(setup.secret))
        let session = RandomSecret(value: try #require(b.cookies["authtoken_session"])).digest
        _ = try b.t.auth.twoFactor.confirmTwoFactorSetup(
            account: root, keepSession: session, password: "password1", code: TOTP.code(secret: secret, step: TOTP.step(at: b.clock.now))).get()
        let page = b.get("/admin/accounts")
        #expect(page.status == 403)
        #expect(page.bodyText.contains("Sign in again with your code"))
        let post = b.post("/admin/account/action", [("csrf", b.sessionToken()), ("id", String(bob)),
                                                    ("action", "deactivate"), ("confirmed", "1")])
        #expect(post.status == 403)
        #expect(try b.t.auth.admin.account(id: bob)?.active == true)
    }

    @Test func everyAdminRouteAnswersOtherMethodsWith405AndItsAllow() throws {
        let b = try BrowserHarness()
        try b.signInAsAdmin()
        for route in Self.adminRoutes {
            for method in Self.methods where !route.methods.contains(method) {
                let response = b.send(method, route.path)
                #expect(response.status == 405, "\(method) \(route.path)")
                #expect(response.header("Allow") == route.allow, "\(method) \(route.path)")
            }
        }
    }

    /// Every POST of the table, with fields that would act, but no or a wrong form token.
    @Test func everyAdminPostWithoutTheFormTokenIs403AndChangesNothing() throws {
        let b = try BrowserHarness()
        try b.signInAsAdmin()
        let ann = try b.addAccount("ann@example.com")
        let (token, tokenID) = try b.issue(ann)
        let password = try b.t.store.insertAppPassword(accountID: ann, name: "phone", passwordHash: "x",
                                                       lookupDigest: "d", createdAt: b.clock.now, limit: 5)
        try b.t.store.createSession(digest: "s", accountID: ann, at: b.clock.now)
        let posts: [String: [(String, String)]] = [
            "/admin/account/action": [("id", String(ann)), ("action", "deactivate"), ("confirmed", "1")],
            "/admin/tokens/revoke": [("id", String(tokenID))],
            "/admin/tokens/revoke-all": [("expected", "1")],
            "/admin/app-passwords/revoke": [("id", String(password.id)), ("account", String(ann))],
            "/admin/app-passwords/revoke-all": [("owner", "ann@example.com"), ("expected", "1")],
        ]
        let postRoutes = Self.adminRoutes.filter { $0.methods.contains("POST") }.map(\.path)
        #expect(Set(postRoutes) == Set(posts.keys))
        for (path, fields) in posts {
            for csrf in [nil, "", String(repeating: "0", count: 64)] {
                let response = b.post(path, fields + (csrf.map { [("csrf", $0)] } ?? []))
                #expect(response.status == 403, "\(path)")
                #expect(response.bodyText.contains("Form expired"))
            }
        }
        #expect(try b.t.auth.admin.account(id: ann)?.active == true)
        #expect(try b.passes(token))
        #expect(try b.t.auth.appPasswords.list(accountID: ann).count == 1)
        #expect(try b.t.store.sessions(accountID: ann).count == 1)
        #expect(try b.t.auth.admin.activity(ActivityFilter(kind: .adminAudit), page: 1).isEmpty)
    }

    @Test func deactivatingAsksFirstThenStopsTheTokenAtOnceAndWritesBothTrails() throws {
        let b = try BrowserHarness()
        let root = try b.signInAsAdmin()
        b.address = "192.0.2.9"
        let ann = try b.addAccount("ann@example.com")
        let (token, _) = try b.issue(ann)
        let list = b.get("/admin/accounts?q=ANN")
        #expect(list.status == 200 && list.bodyText.contains("<a class=\"address\" href=\"/admin/account?id=\(ann)\" title=\"ann@example.com\">ann@example.com</a>"))
        #expect(list.bodyText.components(separatedBy: "class=\"account-row\"").count == 2)
        #expect(list.header("Cache-Control") == "no-store")
        let accountPage = b.get("/admin/account?id=\(ann)")
        #expect(accountPage.bodyText.contains("<h1>ann@example.com</h1>"))
        #expect(accountPage.bodyText.contains("href=\"/admin/account/action?id=\(ann)&amp;action=deactivate\""))
        let csrf = BrowserHarness.formToken(accountPage)
        // Without the confirmation's field: back to the confirmation, nothing done.
        let unconfirmed = b.post("/admin/account/action", [("csrf", csrf), ("id", String(ann)), ("action", "deactivate")])
        #expect(unconfirmed.header("Location") == "/admin/account/action?id=\(ann)&action=deactivate")
        #expect(try b.passes(token))
        let ask = b.get("/admin/account/action?id=\(ann)&action=deactivate")
        #expect(ask.status == 200 && ask.bodyText.contains("Deactivate: ann@example.com?"))
        let done = b.post("/admin/account/action", [("csrf", csrf), ("id", String(ann)), ("action", "deactivate"),
                                                    ("confirmed", "1")])
        #expect(done.header("Location") == "/admin/account?id=\(ann)&done=deactivate")
        #expect(try !b.passes(token))
        #expect(try b.t.auth.admin.account(id: ann)?.active == false)
        let theirs = try b.t.auth.activity.list(accountID: ann).first?.entry
        #expect(theirs?.kind == .admin)
        #expect(theirs?.detail == "by an administrator (root@example.com): deactivated the account")
        #expect(theirs?.address == "192.0.2.9")
        let audit = try b.t.auth.admin.activity(ActivityFilter(kind: .adminAudit), page: 1)
        #expect(audit.map(\.entry.detail) == ["deactivated the account: ann@example.com (account \(ann))"])
        #expect(audit.first?.entry.accountID == root.id)
        #expect(audit.first?.entry.address == "192.0.2.9")
        #expect(audit.first?.entry.at == b.clock.now.roundedDownToSecond)
        let trail = b.get("/admin/activity?kind=admin-audit")
        #expect(trail.bodyText.contains("deactivated the account: ann@example.com"))
        // And back.
        let again = b.post("/admin/account/action", [("csrf", csrf), ("id", String(ann)), ("action", "activate")])
        #expect(again.status == 303)
        #expect(try b.passes(token))
    }

    /// An administrator cannot deactivate the account they are signed in with (409, nothing
    /// changed, nothing logged); another administrator can.
    @Test func anAdministratorCannotDeactivateTheirOwnAccount() throws {
        let b = try BrowserHarness()
        let root = try b.signInAsAdmin()
        let csrf = BrowserHarness.formToken(b.get("/admin/account?id=\(root.id)"))
        let own = b.post("/admin/account/action", [("csrf", csrf), ("id", String(root.id)), ("action", "deactivate"),
                                                   ("confirmed", "1")])
        #expect(own.status == 409 && own.bodyText.contains("You cannot deactivate the account you are signed in with."))
        #expect(try b.t.auth.admin.account(id: root.id)?.active == true)
        #expect(try b.t.auth.admin.activity(ActivityFilter(kind: .adminAudit), page: 1).isEmpty)
        #expect(b.get("/admin/accounts").status == 200)  // still signed in
        try b.signInAsAdmin("second@example.com")  // another administrator, in this browser now
        let theirs = BrowserHarness.formToken(b.get("/admin/account?id=\(root.id)"))
        let done = b.post("/admin/account/action", [("csrf", theirs), ("id", String(root.id)), ("action", "deactivate"),
                                                    ("confirmed", "1")])
        #expect(done.header("Location") == "/admin/account?id=\(root.id)&done=deactivate")
        #expect(try b.t.auth.admin.account(id: root.id)?.active == false)
    }

    /// Resetting a person's two-factor sign-in (a lost phone) asks first, then turns it off
    /// and deletes the recovery codes; the password alone signs in again; both trails.
    @Test func resettingTwoFactorAsksFirstThenTurnsItOff() throws {
        let b = try BrowserHarness()
        try b.signInAsAdmin()
        let annID = try b.addAccount("ann@example.com")
        let ann = try #require(try b.t.auth.admin.account(id: annID))
        let setup = try #require(try b.t.auth.twoFactor.startTwoFactorSetup(account: ann))
        let secret = try #require(Base32.decode(setup.secret))
        _ = try b.t.auth.twoFactor.confirmTwoFactorSetup(
            account: ann, keepSession: nil, password: "password1", code: TOTP.code(secret: secret, step: TOTP.step(at: b.clock.now))).get()
        #expect(b.get("/admin/accounts?twofactor=1").bodyText.contains("ann@example.com"))
        let accountPage = b.get("/admin/account?id=\(annID)")
        #expect(accountPage.bodyText.contains("href=\"/admin/account/action?id=\(annID)&amp;action=reset-two-factor\""))
        let csrf = BrowserHarness.formToken(accountPage)
        let unconfirmed = b.post("/admin/account/action", [("csrf", csrf), ("id", String(annID)), ("action", "reset-two-factor")])
        #expect(unconfirmed.header("Location") == "/admin/account/action?id=\(annID)&action=reset-two-factor")
        #expect(try b.t.auth.twoFactor.hasTwoFactor(accountID: annID))
        let done = b.post("/admin/account/action", [("csrf", csrf), ("id", String(annID)), ("action", "reset-two-factor"),
                                                    ("confirmed", "1")])
        #expect(done.header("Location") == "/admin/account?id=\(annID)&done=reset-two-factor")
        #expect(try !b.t.auth.twoFactor.hasTwoFactor(accountID: annID))
        #expect(!b.get("/admin/accounts?twofactor=1").bodyText.contains("ann@example.com"))
        #expect(try b.t.store.twoFactor(accountID: annID) == nil)
        #expect(try b.t.auth.admin.activity(ActivityFilter(accountID: annID, kind: .admin), page: 1).map(\.entry.detail) == [
            "by an administrator (root@example.com): reset two-factor sign-in",
        ])
        guard case .success = try b.t.auth.sessions.signIn(email: "ann@example.com", password: "password1") else {
            Issue.record("the password alone does not sign in after the reset"); return
        }
    }

    @Test func theOtherAccountActionsDoWhatTheySay() throws {
        let b = try BrowserHarness()
        try b.signInAsAdmin()
        let ann = try b.addAccount("ann@example.com", confirmed: false)
        try b.t.store.createSession(digest: "s1", accountID: ann, at: b.clock.now)
        #expect(try b.t.store.startBlock(key: "account:\(ann)", until: b.clock.now.addingTimeInterval(600), now: b.clock.now))
        #expect(b.get("/admin/accounts?blocked=1").bodyText.contains("ann@example.com"))
        #expect(b.get("/admin/accounts?unconfirmed=1").bodyText.contains("ann@example.com"))
        #expect(!b.get("/admin/accounts?deactivated=1").bodyText.contains("ann@example.com"))
        let csrf = b.sessionToken()
        for action in ["confirm", "unblock"] {
            #expect(b.post("/admin/account/action", [("csrf", csrf), ("id", String(ann)), ("action", action)]).status == 303)
        }
        #expect(b.post("/admin/account/action", [("csrf", csrf), ("id", String(ann)), ("action", "end-sessions"),
                                                 ("confirmed", "1")]).status == 303)
        #expect(try b.t.auth.admin.account(id: ann)?.confirmed == true)
        #expect(try b.t.store.blockedUntil(key: "account:\(ann)", now: b.clock.now) == nil)
        #expect(try b.t.store.sessions(accountID: ann).isEmpty)
        #expect(try b.t.auth.admin.activity(ActivityFilter(accountID: ann, kind: .admin), page: 1).map(\.entry.detail) == [
            "by an administrator (root@example.com): ended every session",
            "by an administrator (root@example.com): lifted the block",
            "by an administrator (root@example.com): confirmed the registration",
        ])
        #expect(try b.t.auth.admin.activity(ActivityFilter(kind: .adminAudit), page: 1).map(\.entry.detail) == [
            "ended every session: ann@example.com (account \(ann))",
            "lifted the block: ann@example.com (account \(ann))",
            "confirmed the registration: ann@example.com (account \(ann))",
        ])
        let unknown = b.post("/admin/account/action", [("csrf", csrf), ("id", String(ann)), ("action", "delete")])
        #expect(unknown.status == 400)
        let nobody = b.post("/admin/account/action", [("csrf", csrf), ("id", "99999"), ("action", "confirm")])
        #expect(nobody.status == 404)
    }

    @Test func theInventoryFiltersAndRevokesOneAtOnce() throws {
        let b = try BrowserHarness()
        try b.signInAsAdmin()
        let ann = try b.addAccount("ann@example.com")
        let bob = try b.addAccount("bob@example.com")
        let (annToken, annID) = try b.issue(ann, "ann's crm")
        let (bobToken, _) = try b.issue(bob, "bob's recruit", scopes: ["ZohoRecruit/recruitapi"])
        let all = b.get("/admin/tokens")
        #expect(!all.bodyText.contains("class=\"error\""))
        #expect(all.status == 200 && all.bodyText.contains("ann&#39;s crm") && all.bodyText.contains("bob&#39;s recruit"))
        #expect(!all.bodyText.contains(annToken) && !all.bodyText.contains(TokenSecret.digest(of: annToken)))
        let byScope = b.get("/admin/tokens?scope=ZohoRecruit%2Frecruitapi")
        #expect(byScope.bodyText.contains("bob&#39;s recruit") && !byScope.bodyText.contains("ann&#39;s crm"))
        let byOwner = b.get("/admin/tokens?owner=ANN%40example.com")
        #expect(byOwner.bodyText.contains("ann&#39;s crm") && !byOwner.bodyText.contains("bob&#39;s recruit"))
        #expect(b.get("/admin/tokens?owner=nobody%40example.com").bodyText.contains("No token matches."))
        #expect(b.get("/admin/tokens?scope=Nope%2Fnope").status == 400)
        #expect(b.get("/admin/tokens?unused=0").status == 400)
        let ask = b.get("/admin/tokens/revoke?id=\(annID)")
        #expect(ask.bodyText.contains("Revoke the token “ann&#39;s crm” of ann@example.com?"))
        let done = b.post("/admin/tokens/revoke", [("csrf", BrowserHarness.formToken(ask)), ("id", String(annID))])
        #expect(done.header("Location") == "/admin/tokens?revoked=1")
        #expect(try !b.passes(annToken))
        #expect(try b.passes(bobToken, scope: "ZohoRecruit/recruitapi"))
        let again = b.post("/admin/tokens/revoke", [("csrf", BrowserHarness.formToken(ask)), ("id", String(annID))])
        #expect(again.status == 404)
        #expect(try b.t.auth.activity.list(accountID: ann).first?.entry.kind == .tokenRemoved)
        let audit = try b.t.auth.admin.activity(ActivityFilter(kind: .adminAudit), page: 1).map(\.entry.detail)
        #expect(audit.count == 1 && audit[0].hasPrefix("revoked token #\(annID) ") && audit[0].hasSuffix(": ann@example.com (account \(ann))"))
    }

    @Test func bulkRevocationSaysHowManyAndRevokesExactlyThoseUnusedFor90Days() throws {
        let b = try BrowserHarness()
        let ann = try b.addAccount("ann@example.com")
        let old = try (0..<3).map { try b.issue(ann, "old \($0)") }
        let usedLongAgo = try b.issue(ann, "used long ago")
        let usedRecently = try b.issue(ann, "used recently")
        try b.t.store.recordUses([TokenUse(tokenID: usedLongAgo.id, at: Int64(b.clock.now.timeIntervalSince1970) + 86400, from: "x"),
                                  TokenUse(tokenID: usedRecently.id, at: Int64(b.clock.now.timeIntervalSince1970) + 80 * 86400, from: "x")])
        b.clock.advance(95 * 86400)
        try b.signInAsAdmin()
        let fresh = try b.issue(ann, "fresh")
        let list = b.get("/admin/tokens?unused=90")
        #expect(list.bodyText.contains("href=\"/admin/tokens/revoke-all?unused=90&amp;sort=newest\""))
        let ask = b.get("/admin/tokens/revoke-all?unused=90")
        #expect(ask.bodyText.contains("Revoke 4 tokens?"))
        #expect(ask.bodyText.contains("Every token matching not used for 90 days will be revoked: 4 tokens"))
        let csrf = BrowserHarness.formToken(ask)
        // A count that no longer holds revokes nothing and asks again with the new one.
        let stale = b.post("/admin/tokens/revoke-all", [("csrf", csrf), ("unused", "90"), ("expected", "5")])
        #expect(stale.status == 409 && stale.bodyText.contains("Revoke 4 tokens?"))
        #expect(try b.t.auth.tokens.list(accountID: ann).count == 6)
        let done = b.post("/admin/tokens/revoke-all", [("csrf", csrf), ("unused", "90"), ("expected", "4")])
        #expect(done.header("Location") == "/admin/tokens?revoked=4")
        #expect(try b.t.auth.tokens.list(accountID: ann).map(\.displayName).sorted() == ["fresh", "used recently"])
        for token in old + [usedLongAgo] { #expect(try !b.passes(token.value)) }
        #expect(try b.passes(fresh.value) && b.passes(usedRecently.value))
        let theirs = try #require(try b.t.auth.activity.list(accountID: ann).first?.entry.detail)
        #expect(theirs.hasPrefix("by an administrator (root@example.com): 4 revoked at once: token #"))
        let audit = try b.t.auth.admin.activity(ActivityFilter(kind: .adminAudit), page: 1)
        #expect(audit.first?.entry.detail == "revoked 4 tokens at once (not used for 90 days)")
    }

    @Test func theInventoryPagesAndCountsNoFurtherThanItsLimit() throws {
        let b = try BrowserHarness()
        try b.signInAsAdmin()
        let ann = try b.addAccount("ann@example.com")
        for i in 0..<(AdminService.inventoryCountLimit + 1) {
            _ = try b.t.store.insertToken(NewToken(accountID: ann, digest: String(format: "%064x", i), hint: "…\(i)",
                                                   scopes: ["ZohoCRM/crmapi"], displayName: "t\(i)", createdAt: b.clock.now),
                                          limit: 100_000)
        }
        let first = b.get("/admin/tokens?sort=oldest")
        #expect(first.bodyText.contains("Page 1 · more than 1000 in all"))
        #expect(first.bodyText.components(separatedBy: "class=\"inventory-row\"").count == 51)
        #expect(first.bodyText.contains("href=\"/admin/tokens?sort=oldest&amp;page=2\""))
        #expect(!first.bodyText.contains("rel=\"prev\""))
        let last = b.get("/admin/tokens?sort=oldest&page=21")
        #expect(last.bodyText.components(separatedBy: "class=\"inventory-row\"").count == 2)
        #expect(last.bodyText.contains(">t1000<") && !last.bodyText.contains("rel=\"next\""))
        let few = b.get("/admin/tokens?owner=nobody%40example.com")
        #expect(few.bodyText.contains("Page 1 · 0 in all"))
        #expect(b.get("/admin/tokens/revoke-all?scope=ZohoCRM%2Fcrmapi").bodyText.contains("Revoke 1001 tokens?"))
    }

    @Test func theInventoryShowsExpiryAndFindsTokensExpiredOrExpiringSoon() throws {
        let b = try BrowserHarness()
        try b.signInAsAdmin()
        let ann = try b.addAccount("ann@example.com")
        func issue(_ name: String, _ expiry: TokenExpiry) throws -> TokenRecordSummary {
            try b.t.auth.tokens.issueToken(accountID: ann, scopes: ["ZohoCRM/crmapi"], displayName: name, expiry: expiry).get().record
        }
        let gone = try issue("gone", .days(1))
        let week = try issue("week", .days(8))
        let year = try issue("year", .days(365))
        _ = try issue("forever", .never)
        b.clock.advance(2 * 86400)
        try b.signInAsAdmin("root2@example.com")  // the first session has lapsed
        func row(_ page: HTTPResponse, _ token: TokenRecordSummary) -> String {
            let after = page.bodyText.components(separatedBy: "data-id=\"\(token.id)\"").dropFirst().first ?? ""
            return after.components(separatedBy: "</tr>")[0]
        }
        let all = b.get("/admin/tokens?sort=oldest")
        #expect(all.bodyText.contains("<th scope=\"col\">Expires</th>"))
        #expect(row(all, gone).contains("<td class=\"expires\"><strong class=\"expired-on\">expired on "
            + "\(PageDayTime.of(try #require(gone.expiresAt)))</strong></td>"))
        #expect(row(all, week).contains("<td class=\"expires\">\(PageDayTime.of(try #require(week.expiresAt)))</td>"))
        #expect(all.bodyText.contains("<td class=\"expires\">never</td>"))
        func names(_ query: String) -> [String] {
            b.get("/admin/tokens?sort=oldest&" + query).bodyText.components(separatedBy: "<td class=\"name\">").dropFirst()
                .map { String($0.prefix { $0 != "<" }) }
        }
        #expect(names("") == ["gone", "week", "year", "forever"])
        #expect(names("expiring=0") == ["gone"])
        #expect(names("expiring=7") == ["gone", "week"])
        #expect(names("expiring=400") == ["gone", "week", "year"])
        #expect(b.get("/admin/tokens?expiring=-1").status == 400)
        #expect(b.get("/admin/tokens?expiring=soon").status == 400)
        let ask = b.get("/admin/tokens/revoke-all?expiring=7")
        #expect(ask.bodyText.contains("Every token matching expired or expiring within 7 days will be revoked: 2 tokens"))
        #expect(b.get("/admin/tokens/revoke-all?expiring=0").bodyText.contains("Every token matching expired will be"))
        let done = b.post("/admin/tokens/revoke-all", [("csrf", BrowserHarness.formToken(ask)), ("expiring", "7"),
                                                       ("expected", "2")])
        #expect(done.header("Location") == "/admin/tokens?revoked=2")
        #expect(try b.t.auth.tokens.list(accountID: ann).map(\.displayName) == ["year", "forever"])
        #expect(try b.t.auth.admin.activity(ActivityFilter(kind: .adminAudit), page: 1).first?.entry.detail
            == "revoked 2 tokens at once (expired or expiring within 7 days)")
        #expect(try b.t.auth.admin.activity(ActivityFilter(kind: .adminAudit), page: 1).first?.entry.accountID
            == b.t.auth.admin.account(email: "root2@example.com")?.id)
        let csv = b.get("/admin/tokens/csv?expiring=400").bodyText
        #expect(csv.split(separator: "\r\n").count == 2 && csv.contains("\"year\""))
    }

    @Test func theCSVHasEveryMatchingRowAsTheStoreHasIt() throws {
        let b = try BrowserHarness()
        try b.signInAsAdmin()
        let ann = try b.addAccount("ann@example.com")
        let first = try b.issue(ann, "=HYPERLINK(\"x\")")
        b.clock.advance(10)
        let second = try b.issue(ann, "plain, \"quoted\"", scopes: ["ZohoCRM/crmapi", "ZohoRecruit/recruitapi"])
        // One that expires in 30 days, one that expired yesterday (made 2 days ago for 1), one
        // made with an application password that is then revoked; and one use of the first.
        let thirty = try b.t.auth.tokens.issueToken(accountID: ann, scopes: ["ZohoCRM/crmapi"], displayName: "thirty",
                                             expiry: .days(30)).get().record
        let password = try b.t.store.insertAppPassword(accountID: ann, name: "laptop", passwordHash: "x",
                                                       lookupDigest: "d", createdAt: b.clock.now, limit: 5)
        let expired = try b.t.auth.tokens.issueToken(accountID: ann, scopes: ["ZohoCRM/crmapi"], displayName: "expired",
                                              appPasswordID: password.id, expiry: .days(1)).get().record
        b.clock.advance(2 * 86400)
        let kept = try b.t.store.insertAppPassword(accountID: ann, name: "phone", passwordHash: "y",
                                                   lookupDigest: "e", createdAt: b.clock.now, limit: 5)
        let withKept = try b.t.auth.tokens.issueToken(accountID: ann, scopes: ["ZohoCRM/crmapi"], displayName: "with phone",
                                               appPasswordID: kept.id).get().record
        #expect(try b.t.auth.appPasswords.revokeAppPassword(id: password.id, accountID: ann))
        try b.signInAsAdmin("root2@example.com")  // the first session has lapsed
        #expect(try b.passes(first.value))
        try b.t.auth.usage.flushAll()
        let csv = b.get("/admin/tokens/csv?owner=ann%40example.com&sort=oldest")
        #expect(csv.status == 200)
        #expect(csv.header("Content-Type") == "text/csv; charset=UTF-8")
        #expect(csv.header("Content-Disposition") == "attachment; filename=\"authtoken-tokens.csv\"")
        #expect(csv.header("Cache-Control") == "no-store")
        let records = try b.t.auth.tokens.list(accountID: ann)
        #expect(records.map(\.id) == [first.id, second.id, thirty.id, expired.id, withKept.id])
        func iso(_ date: Date) -> String { date.formatted(.iso8601) }
        let used = try #require(records[0].lastUsedAt)
        let expected = [
            #""id","owner","name","scopes","hint","created","last_used","last_used_from","app_password_id","app_password","expires""#,
            #""\#(first.id)","ann@example.com","'=HYPERLINK(""x"")","ZohoCRM/crmapi","\#(records[0].hint)","\#(iso(records[0].createdAt))","\#(iso(used))","192.0.2.1","","","never""#,
            #""\#(second.id)","ann@example.com","plain, ""quoted""","ZohoCRM/crmapi ZohoRecruit/recruitapi","\#(records[1].hint)","\#(iso(records[1].createdAt))","","","","","never""#,
            #""\#(thirty.id)","ann@example.com","thirty","ZohoCRM/crmapi","\#(records[2].hint)","\#(iso(records[2].createdAt))","","","","","\#(iso(try #require(records[2].expiresAt)))""#,
            #""\#(expired.id)","ann@example.com","expired","ZohoCRM/crmapi","\#(records[3].hint)","\#(iso(records[3].createdAt))","","","\#(password.id)","","expired on \#(iso(try #require(records[3].expiresAt)))""#,
            #""\#(withKept.id)","ann@example.com","with phone","ZohoCRM/crmapi","\#(records[4].hint)","\#(iso(records[4].createdAt))","","","\#(kept.id)","phone","never""#,
        ].joined(separator: "\r\n") + "\r\n"
        #expect(csv.bodyText == expected)
    }

    /// Every character OWASP lists as starting a formula is defused, tab and carriage return
    /// included; a name that merely contains one later is left alone.
    @Test func theCSVDefusesEveryFormulaStart() throws {
        let b = try BrowserHarness()
        try b.signInAsAdmin()
        let ann = try b.addAccount("ann@example.com")
        let names = ["=1+1", "+1", "-1", "@SUM(A1)", "\tcalc", "\rcalc", "a\t=b"]
        for name in names { _ = try b.issue(ann, name) }
        let csv = b.get("/admin/tokens/csv?owner=ann%40example.com&sort=oldest").bodyText
        for name in names {
            let shown = name.hasPrefix("a") ? name : "'" + name
            #expect(csv.contains("\"ann@example.com\",\"\(shown)\",\"ZohoCRM/crmapi\""), "\(name.debugDescription)")
        }
    }

    @Test func appPasswordsAreListedAndRevokedWithBothTrails() throws {
        let b = try BrowserHarness()
        try b.signInAsAdmin()
        let ann = try b.addAccount("ann@example.com")
        let password = try b.t.store.insertAppPassword(accountID: ann, name: "laptop", passwordHash: "$argon2id$secret-hash",
                                                       lookupDigest: "d", createdAt: b.clock.now, limit: 5)
        let list = b.get("/admin/app-passwords")
        #expect(list.bodyText.contains("laptop") && !list.bodyText.contains("secret-hash"))
        #expect(b.get("/admin/app-passwords?unused=30").bodyText.contains("No application password matches."))
        #expect(b.get("/admin/app-passwords?unused=0").status == 400)
        b.clock.advance(31 * 86400)
        try b.signInAsAdmin("root2@example.com")
        #expect(b.get("/admin/app-passwords?unused=30&owner=ann%40example.com").bodyText.contains(">laptop<"))
        let csv = b.get("/admin/app-passwords/csv?owner=ann%40example.com")
        #expect(csv.header("Content-Type") == "text/csv; charset=UTF-8")
        #expect(csv.bodyText == "\"id\",\"owner\",\"name\",\"created\",\"last_used\",\"tokens\"\r\n"
            + "\"\(password.id)\",\"ann@example.com\",\"laptop\",\"\(password.createdAt.formatted(.iso8601))\",\"\",\"0\"\r\n")
        let ask = b.get("/admin/app-passwords/revoke?id=\(password.id)&account=\(ann)")
        #expect(ask.bodyText.contains("Revoke the application password “laptop” of ann@example.com?"))
        let done = b.post("/admin/app-passwords/revoke", [("csrf", BrowserHarness.formToken(ask)),
                                                          ("id", String(password.id)), ("account", String(ann))])
        #expect(done.header("Location") == "/admin/app-passwords?revoked=1")
        #expect(try b.t.auth.appPasswords.list(accountID: ann).isEmpty)
        #expect(try b.t.auth.activity.list(accountID: ann).first?.entry.kind == .appPasswordRevoked)
        #expect(try b.t.auth.admin.activity(ActivityFilter(kind: .adminAudit), page: 1).map(\.entry.detail) == [
            "revoked the application password #\(password.id) “laptop”: ann@example.com (account \(ann))",
        ])
    }

    @Test func bulkAppPasswordRevocationSaysHowManyRevokesExactlyThoseAndKeepsTheirTokens() throws {
        let b = try BrowserHarness()
        let ann = try b.addAccount("ann@example.com")
        let bob = try b.addAccount("bob@example.com")
        func password(_ owner: Int64, _ name: String) throws -> AppPasswordRecord {
            try b.t.store.insertAppPassword(accountID: owner, name: name, passwordHash: "$argon2id$secret-" + name,
                                            lookupDigest: "d-" + name, createdAt: b.clock.now, limit: 5)
        }
        let annOld = try password(ann, "ann laptop")
        let bobOld = try password(bob, "bob phone")
        let bobUsed = try password(bob, "bob used")
        try b.t.store.touchAppPassword(id: bobUsed.id, at: b.clock.now.addingTimeInterval(80 * 86400))
        let madeByOld = try b.t.store.insertToken(NewToken(
            accountID: bob, digest: TokenSecret.digest(of: String(repeating: "c", count: 32)), hint: "…cccc",
            scopes: ["ZohoCRM/crmapi"], displayName: "from the phone", createdAt: b.clock.now, appPasswordID: bobOld.id),
            limit: 10)
        b.clock.advance(95 * 86400)
        try b.signInAsAdmin()
        b.address = "192.0.2.9"
        let fresh = try password(ann, "ann fresh")
        let list = b.get("/admin/app-passwords?unused=90")
        #expect(list.bodyText.contains("href=\"/admin/app-passwords/revoke-all?unused=90\""))
        #expect(list.bodyText.contains("Revoke every application password matching got no token for 90 days…"))
        let ask = b.get("/admin/app-passwords/revoke-all?unused=90")
        #expect(ask.status == 200 && ask.bodyText.contains("<h1>Revoke 2 application passwords?</h1>"))
        #expect(ask.bodyText.contains("Every application password matching got no token for 90 days will be revoked: "
            + "2 application passwords, of every account they belong to."))
        #expect(ask.bodyText.contains("<input type=\"hidden\" name=\"expected\" value=\"2\">"))
        #expect(ask.bodyText.contains("<input type=\"hidden\" name=\"unused\" value=\"90\">"))
        #expect(!ask.bodyText.contains("secret-"))
        #expect(b.get("/admin/app-passwords/revoke-all?owner=bob%40example.com").bodyText
            .contains("Revoke 2 application passwords?"))
        #expect(b.get("/admin/app-passwords/revoke-all?owner=bob%40example.com&unused=90").bodyText
            .contains("Revoke 1 application password?"))
        #expect(b.get("/admin/app-passwords/revoke-all?owner=nobody%40example.com").bodyText
            .contains("No application password matches this filter (owner nobody@example.com); nothing to revoke."))
        #expect(b.get("/admin/app-passwords/revoke-all?unused=0").status == 400)
        let csrf = BrowserHarness.formToken(ask)
        // A count that no longer holds (or none) revokes nothing and asks again with the new one.
        for expected in [[("expected", "3")], [("expected", "1")], [("expected", "0")], [("expected", "x")], []] {
            let stale = b.post("/admin/app-passwords/revoke-all", [("csrf", csrf), ("unused", "90")] + expected)
            #expect(stale.status == 409, "\(expected)")
            #expect(stale.bodyText.contains("<h1>Revoke 2 application passwords?</h1>"))
            #expect(stale.bodyText.contains("changed since the last page; here is the new number."))
        }
        #expect(try b.t.store.appPasswordCount(ownerID: nil, unusedSince: nil) == 4)
        #expect(try b.t.auth.admin.activity(ActivityFilter(kind: .adminAudit), page: 1).isEmpty)
        let done = b.post("/admin/app-passwords/revoke-all", [("csrf", csrf), ("unused", "90"), ("expected", "2")])
        #expect(done.header("Location") == "/admin/app-passwords?revoked=2")
        #expect(b.get("/admin/app-passwords?revoked=2").bodyText.contains("2 application passwords were revoked."))
        #expect(try b.t.auth.appPasswords.list(accountID: ann).map(\.id) == [fresh.id])
        #expect(try b.t.auth.appPasswords.list(accountID: bob).map(\.id) == [bobUsed.id])
        // The token the revoked password got stays, and works, as when its owner revokes it.
        #expect(try b.t.store.token(id: madeByOld.id)?.appPasswordID == bobOld.id)
        #expect(try b.passes(String(repeating: "c", count: 32)))
        #expect(b.get("/admin/tokens?owner=bob%40example.com").bodyText.contains("<td>(revoked)</td>"))
        // Both trails: one entry per owner, one audit entry with the count and the filter.
        for (owner, record) in [(ann, annOld), (bob, bobOld)] {
            let theirs = try #require(try b.t.auth.activity.list(accountID: owner).first?.entry)
            #expect(theirs.kind == .appPasswordRevoked)
            #expect(theirs.detail == "by an administrator (root@example.com): 1 revoked at once: #\(record.id) “\(record.name)”")
            #expect(theirs.address == "192.0.2.9")
        }
        let audit = try b.t.auth.admin.activity(ActivityFilter(kind: .adminAudit), page: 1)
        #expect(audit.map(\.entry.detail) == ["revoked 2 application passwords at once (got no token for 90 days)"])
        #expect(audit.first?.entry.address == "192.0.2.9")
        // Nothing matches any more: the same form now answers 409 with nothing to revoke.
        let again = b.post("/admin/app-passwords/revoke-all", [("csrf", csrf), ("unused", "90"), ("expected", "2")])
        #expect(again.status == 409 && again.bodyText.contains("No application password matches this filter"))
    }

    @Test func activityAcrossAccountsFiltersByAccountKindAndDay() throws {
        let b = try BrowserHarness()
        try b.signInAsAdmin()
        let ann = try b.addAccount("ann@example.com")
        try b.t.auth.activity.record(.tokenCreated, accountID: ann, client: .unknown, detail: "ann-entry")
        let all = b.get("/admin/activity")
        #expect(!all.bodyText.contains("class=\"error\""))
        #expect(all.bodyText.contains("ann-entry"))
        #expect(b.get("/admin/activity?account=bob%40example.com").bodyText.contains("No entries match."))
        #expect(b.get("/admin/activity?account=ann%40example.com&kind=token-created").bodyText.contains("ann-entry"))
        #expect(!b.get("/admin/activity?kind=sign-in").bodyText.contains("ann-entry"))
        let day = PageDay.of(b.clock.now)
        #expect(b.get("/admin/activity?from=\(day)&until=\(day)").bodyText.contains("ann-entry"))
        #expect(!b.get("/admin/activity?until=2000-01-01").bodyText.contains("ann-entry"))
        #expect(b.get("/admin/activity?from=yesterday").status == 400)
        #expect(b.get("/admin/activity?kind=nope").status == 400)
    }

    @Test func theAccountPageShowsHintsNeverSecrets() throws {
        let b = try BrowserHarness()
        try b.signInAsAdmin()
        let ann = try b.addAccount("ann@example.com")
        let (token, _) = try b.issue(ann)
        try b.t.store.createSession(digest: String(repeating: "ab", count: 32), accountID: ann, at: b.clock.now)
        let page = b.get("/admin/account?id=\(ann)")
        #expect(page.status == 200)
        #expect(page.bodyText.contains("<dd class=\"blocked\">no</dd>"))
        let hash = try #require(try b.t.auth.admin.account(id: ann)?.passwordHash)
        for secret in [token, TokenSecret.digest(of: token), hash, String(repeating: "ab", count: 16)] {
            #expect(!page.bodyText.contains(secret))
        }
        #expect(page.bodyText.contains(String(token.suffix(4))))
        #expect(page.bodyText.contains("<dd class=\"last-used\">never</dd>"))
        #expect(try b.passes(token))
        try b.t.auth.usage.flushAll()
        #expect(b.get("/admin/account?id=\(ann)").bodyText.contains(" from 192.0.2.1</dd>"))
        #expect(b.get("/admin/account?id=abc").status == 404)
    }
}

enum PageDay {
    static func of(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}

extension Date {
    var roundedDownToSecond: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}

enum PageDayTime {
    /// As the pages write a time: `2026-11-29 04:10 UTC`.
    static func of(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d UTC", p.year!, p.month!, p.day!, p.hour!, p.minute!)
    }
}
