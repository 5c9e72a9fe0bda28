import AuthTokenCore
import AuthTokenTestKit
import AuthTokenWeb
import Logging
import Testing

@Suite struct TokenCheckRouteTests {
    let t: TestStore
    let app: WebApp
    let token: String

    init() throws {
        t = try TestStore()
        app = WebApp(auth: t.auth, logger: Logger(label: "test"))
        app.deliverNotices()
        let account = try t.auth.accounts.addAccount(email: "ann@example.com", displayName: nil, password: "password1", confirmed: true)
        token = try t.auth.tokens.issueToken(accountID: account.id, scopes: ["ZohoRecruit/recruitapi"], displayName: "x").get().secret.value
    }

    func check(uri: String, headers: [String: String] = [:]) -> HTTPResponse {
        var all = headers
        all["x-original-uri"] = uri
        return app.handle(HTTPRequest(method: "GET", path: WebApp.checkPath, headers: all, remoteAddress: "10.1.2.3"))
    }

    @Test func answers200WithTheAccountForUpstream() {
        let response = check(uri: "/recruit/private/xml/JobOpenings/getRecords?authtoken=\(token)&scope=recruitapi")
        #expect(response.status == 200)
        #expect(response.header("X-Authtoken-Email") == "ann@example.com")
        #expect(response.header("X-Authtoken-Scope") == "ZohoRecruit/recruitapi")
        #expect(response.header("X-Authtoken-Account-Id") != nil)
        #expect(response.body.isEmpty)
    }

    @Test func theCheckListenerServesTheCheckAndNothingElse() {
        let uri = "/recruit/private/xml/JobOpenings/getRecords?authtoken=\(token)&scope=recruitapi"
        let check = app.handleCheckListener(HTTPRequest(
            method: "GET", path: WebApp.checkPath, headers: ["x-original-uri": uri], remoteAddress: "10.1.2.3"))
        #expect(check.status == 200)
        #expect(check.header("X-Authtoken-Email") == "ann@example.com")
        // Password work can never reach the check's threads: API mode and pages are 404 there.
        for path in ["/apiauthtoken/create", "/signin", "/", "/tokens"] {
            let other = app.handleCheckListener(HTTPRequest(
                method: "GET", path: path, query: "EMAIL_ID=ann@example.com&PASSWORD=password1&SCOPE=ZohoCRM/crmapi",
                remoteAddress: "10.1.2.3"))
            #expect(other.status == 404, "\(path)")
        }
        #expect(t.auth.hasher.hashCount == 1)  // only addAccount's
    }

    @Test func healthAndReadinessAreOnTheCheckListenerOnly() {
        let health = app.handleCheckListener(HTTPRequest(method: "GET", path: WebApp.healthPath, remoteAddress: "127.0.0.1"))
        #expect(health.status == 200 && health.bodyText == "ok\n")
        let ready = app.handleCheckListener(HTTPRequest(method: "GET", path: WebApp.readyPath, remoteAddress: "127.0.0.1"))
        #expect(ready.status == 200 && ready.bodyText == "ready\n")
        #expect(app.handle(HTTPRequest(method: "GET", path: WebApp.readyPath, remoteAddress: "127.0.0.1")).status == 404)
    }

    @Test func readsTheTokenFromEitherAuthorizationScheme() {
        for header in ["Zoho-authtoken \(token)", "Bearer \(token)", "bearer  \(token)"] {
            #expect(check(uri: "/x?scope=recruitapi", headers: ["authorization": header]).status == 200, "\(header)")
        }
        #expect(check(uri: "/x?scope=recruitapi", headers: ["authorization": "Basic \(token)"]).status == 401)
    }

    @Test func aFixedScopeWinsOverTheQuery() {
        let uri = "/x?authtoken=\(token)&scope=crmapi"
        #expect(check(uri: uri).status == 403)
        #expect(check(uri: uri, headers: ["x-authtoken-scope": "ZohoRecruit/recruitapi"]).status == 200)
        #expect(check(uri: "/x?authtoken=\(token)&scope=recruitapi", headers: ["x-authtoken-scope": "ZohoCRM/crmapi"]).status == 403)
    }

    @Test func refusesMissingMalformedAndUnknownTokensWith401() {
        #expect(check(uri: "/x?scope=recruitapi").status == 401)
        #expect(check(uri: "/x").status == 401)
        #expect(check(uri: "/x?authtoken=%zz&scope=recruitapi").status == 401)
        #expect(check(uri: "/x?authtoken=\(token.uppercased())&scope=recruitapi").status == 401)
        #expect(check(uri: "/x?authtoken=\(TokenSecret.generate().value)&scope=recruitapi").status == 401)
    }

    @Test func everyLetterCaseOfTheNameIsTheOneTokenParameter() {
        for name in ["authtoken", "AUTHTOKEN", "AuthToken", "auth%74oken"] {
            #expect(check(uri: "/x?\(name)=\(token)&scope=recruitapi").status == 200, "\(name)")
        }
        #expect(check(uri: "/x?authtoken=\(token)&SCOPE=recruitapi").status == 200)
    }

    @Test func refusesSeveralQueryTokensWith401() {
        let other = TokenSecret.generate().value
        for query in [
            "authtoken=\(token)&authtoken=\(other)", "authtoken=\(other)&authtoken=\(token)",
            "authtoken=\(token)&AUTHTOKEN=\(other)", "AuthToken=\(other)&authtoken=\(token)",
            "authtoken=\(token)&authtoken=\(token)", "authtoken=\(token)&authtoken=", "authtoken=&authtoken=\(token)",
        ] {
            #expect(check(uri: "/x?\(query)&scope=recruitapi").status == 401, "\(query)")
        }
    }

    @Test func refusesSeveralScopesWith401() {
        #expect(check(uri: "/x?authtoken=\(token)&scope=recruitapi&scope=crmapi").status == 401)
        #expect(check(uri: "/x?authtoken=\(token)&scope=crmapi&Scope=recruitapi").status == 401)
        #expect(check(uri: "/x?authtoken=\(token)&scope=recruitapi&scope=recruitapi",
                      headers: ["x-authtoken-scope": "ZohoRecruit/recruitapi"]).status == 401)
    }

    @Test func aQueryTokenAndAHeaderTokenMustAgree() {
        let other = TokenSecret.generate().value
        #expect(check(uri: "/x?authtoken=\(token)&scope=recruitapi", headers: ["authorization": "Bearer \(token)"]).status == 200)
        #expect(check(uri: "/x?authtoken=\(token)&scope=recruitapi", headers: ["authorization": "Bearer \(other)"]).status == 401)
        #expect(check(uri: "/x?authtoken=\(other)&scope=recruitapi", headers: ["authorization": "Zoho-authtoken \(token)"]).status == 401)
        #expect(check(uri: "/x?authtoken=&scope=recruitapi", headers: ["authorization": "Bearer \(token)"]).status == 401)
        // Another scheme carries no token: the query's token decides.
        #expect(check(uri: "/x?authtoken=\(token)&scope=recruitapi", headers: ["authorization": "Basic dXNlcjpwdw=="]).status == 200)
    }

    @Test func refusesCombinedOrMalformedAuthorizationHeadersWith401() {
        let other = TokenSecret.generate().value
        for header in [
            "Bearer \(token), Bearer \(other)", "Bearer \(token),Bearer \(token)", "Basic dXNlcjpwdw==, Bearer \(token)",
            "Bearer \(token) \(other)", "Bearer \(token) x", "Bearer", "Bearer ", "Zoho-authtoken \(token),",
        ] {
            #expect(check(uri: "/x?scope=recruitapi", headers: ["authorization": header]).status == 401, "\(header)")
            #expect(check(uri: "/x?authtoken=\(token)&scope=recruitapi", headers: ["authorization": header]).status == 401, "\(header)")
        }
    }

    @Test func refusesAMalformedQueryEvenWithAGoodHeaderToken() {
        for query in ["authtoken=%zz", "x=%C3%28", "x=a%00b"] {
            #expect(check(uri: "/x?\(query)&scope=recruitapi", headers: ["authorization": "Bearer \(token)"]).status == 401, "\(query)")
        }
    }

    @Test func deleteAnswersInTheLegacyFormat() {
        let first = app.handle(HTTPRequest(method: "GET", path: "/apiauthtoken/delete", query: "AUTHTOKEN=\(token)"))
        let lines = first.bodyText.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 5)
        #expect(Array(lines[2...]) == ["AUTHTOKEN_DELETED=TRUE", "RESULT=TRUE", ""])
        let again = app.handle(HTTPRequest(method: "GET", path: "/apiauthtoken/delete", query: "AUTHTOKEN=\(token)"))
        #expect(Array(again.bodyText.split(separator: "\n", omittingEmptySubsequences: false)[2...])
            == ["CAUSE=INVALID_AUTHTOKEN", "RESULT=FALSE", ""])
        #expect(check(uri: "/x?authtoken=\(token)&scope=recruitapi").status == 401)
    }
}
