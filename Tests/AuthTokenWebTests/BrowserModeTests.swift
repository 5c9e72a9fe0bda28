import AuthTokenCore
import AuthTokenWeb
import Testing

@Suite struct BrowserModeTests {
    @Test func getConfirmsPostCreatesAndShowsTheLegacyAnswer() throws {
        let b = try BrowserHarness()
        let ann = try b.addAccount("ann@example.com")
        b.signIn("ann@example.com", "password1")
        let ask = b.get("/apiauthtoken/create?SCOPE=ZohoRecruit/recruitapi&DISPLAY_NAME=Recruit+sync")
        #expect(ask.status == 200)
        #expect(ask.bodyText.contains("Recruit sync") && ask.bodyText.contains("ZohoRecruit/recruitapi"))
        #expect(try b.t.store.tokens(accountID: ann).isEmpty)
        let made = b.post("/apiauthtoken/create", [
            ("csrf", BrowserHarness.formToken(ask)), ("SCOPE", "ZohoRecruit/recruitapi"), ("DISPLAY_NAME", "Recruit sync"),
        ])
        #expect(made.status == 200)
        let value = try #require(made.bodyText.firstMatch(of: #/AUTHTOKEN=([0-9a-f]{32})\nRESULT=TRUE\n/#)?.1)
        let stored = try b.t.store.tokens(accountID: ann)
        #expect(stored.count == 1 && stored[0].digest == TokenSecret.digest(of: String(value)))
        #expect(stored[0].displayName == "Recruit sync")
    }

    @Test func withoutASessionItGoesToSignIn() throws {
        let b = try BrowserHarness()
        #expect(b.get("/apiauthtoken/nb/create?SCOPE=crmapi").header("Location")
            == "/signin?next=%2Fapiauthtoken%2Fnb%2Fcreate%3FSCOPE%3Dcrmapi")
        #expect(b.post("/apiauthtoken/create", [("SCOPE", "crmapi")]).header("Location")
            == "/signin?next=%2Fapiauthtoken%2Fcreate%3FSCOPE%3Dcrmapi")
    }

    @Test func credentialsStillMeanAPIMode() throws {
        let b = try BrowserHarness()
        try b.addAccount("ann@example.com")
        b.signIn("ann@example.com", "password1")
        for query in ["SCOPE=crmapi&EMAIL_ID=ann%40example.com", "SCOPE=crmapi&PASSWORD=x", "SCOPE=crmapi&EMAIL_ID=&PASSWORD="] {
            let answer = b.get("/apiauthtoken/create?" + query)
            #expect(answer.header("Content-Type") == "text/plain; charset=UTF-8")
            #expect(answer.bodyText.hasSuffix("CAUSE=INVALID_CREDENTIALS\nRESULT=FALSE\n"))
        }
        let ok = b.get("/apiauthtoken/create?SCOPE=crmapi&EMAIL_ID=ann%40example.com&PASSWORD=password1")
        #expect(ok.bodyText.hasSuffix("\nRESULT=TRUE\n"))
    }

    @Test func badScopeAndBadNameGetPages() throws {
        let b = try BrowserHarness()
        try b.addAccount("ann@example.com")
        b.signIn("ann@example.com", "password1")
        let scope = b.get("/apiauthtoken/create?SCOPE=ZohoMail/mailapi")
        #expect(scope.status == 400 && scope.bodyText.contains("Unknown scope"))
        #expect(b.get("/apiauthtoken/create").status == 400)
        let name = b.get("/apiauthtoken/create?SCOPE=crmapi&DISPLAY_NAME=" + String(repeating: "x", count: 101))
        #expect(name.status == 400 && name.bodyText.contains("Unusable application name"))
    }
}
