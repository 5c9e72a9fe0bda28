import AuthTokenCore
import AuthTokenTestKit
import AuthTokenWeb
import Foundation
import Logging
import Testing

@Suite struct APIModeTests {
    let t: TestStore
    let app: WebApp

    init() throws {
        t = try TestStore(maxTokens: 3)
        app = WebApp(auth: t.auth, logger: Logger(label: "test"))
        app.deliverNotices()
        _ = try t.auth.accounts.addAccount(email: "ann+tag@example.com", displayName: "Ann", password: "pa ss&w=rd ü", confirmed: true)
    }

    /// The body without its date line, which tests compare byte for byte.
    func answer(_ response: HTTPResponse) -> [Substring] {
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/plain; charset=UTF-8")
        var lines = response.bodyText.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 5)
        #expect(matches(lines[1], #"#[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} \S+ \d{4}"#))
        lines.remove(at: 1)
        return lines
    }

    func matches(_ text: Substring, _ pattern: String) -> Bool {
        (try? Regex(pattern).wholeMatch(in: text)) != nil
    }

    func get(_ query: String, path: String = "/apiauthtoken/create") -> HTTPResponse {
        app.handle(HTTPRequest(method: "GET", path: path, query: query))
    }

    func post(query: String = "", body: String) -> HTTPResponse {
        app.handle(HTTPRequest(
            method: "POST", path: "/apiauthtoken/nb/create", query: query,
            headers: ["content-type": "application/x-www-form-urlencoded; charset=UTF-8"], body: Array(body.utf8)))
    }

    @Test func createsATokenInAllThreeForms() throws {
        let query = "SCOPE=ZohoCRM/crmapi&EMAIL_ID=ann%2Btag%40example.com&PASSWORD=pa+ss%26w%3Drd+%C3%BC"
        for response in [get(query), post(query: query, body: ""), post(body: query)] {
            let lines = answer(response)
            #expect(lines[0] == "#")
            #expect(matches(lines[1], "AUTHTOKEN=[0-9a-f]{32}"))
            #expect(lines[2] == "RESULT=TRUE")
            #expect(lines[3] == "")
        }
        let account = try t.auth.accounts.existingAccount(email: "ann+tag@example.com")
        #expect(try t.store.tokens(accountID: account.id).count == 3)
    }

    @Test func answersEachCause() {
        let cases: [(String, String)] = [
            ("SCOPE=ZohoCRM/crmapi", "INVALID_CREDENTIALS"),
            ("SCOPE=ZohoCRM/crmapi&EMAIL_ID=ann%2Btag%40example.com", "INVALID_CREDENTIALS"),
            ("EMAIL_ID=ann%2Btag%40example.com&PASSWORD=x", "INVALID_SCOPE"),
            ("SCOPE=Nope/nopeapi&EMAIL_ID=ann%2Btag%40example.com&PASSWORD=x", "INVALID_SCOPE"),
            ("SCOPE=ZohoCRM/crmapi&EMAIL_ID=bob%40example.com&PASSWORD=x", "NO_SUCH_USER"),
            ("SCOPE=ZohoCRM/crmapi&EMAIL_ID=ann%2Btag%40example.com&PASSWORD=x", "INVALID_PASSWORD"),
        ]
        for (query, cause) in cases {
            #expect(answer(get(query)) == ["#", "CAUSE=\(cause)", "RESULT=FALSE", ""], "\(query)")
            #expect(answer(post(body: query)) == ["#", "CAUSE=\(cause)", "RESULT=FALSE", ""], "\(query)")
        }
    }

    @Test func aFullAccountGetsTheCapCause() throws {
        let query = "SCOPE=ZohoCRM/crmapi&EMAIL_ID=ann%2Btag%40example.com&PASSWORD=pa+ss%26w%3Drd+%C3%BC"
        for _ in 0..<3 { _ = get(query) }
        #expect(answer(get(query)) == ["#", "CAUSE=EXCEEDED_MAXIMUM_ALLOWED_AUTHTOKENS", "RESULT=FALSE", ""])
    }

    @Test func ignoresABodyThatIsNotAForm() {
        let response = app.handle(HTTPRequest(
            method: "POST", path: "/apiauthtoken/create", headers: ["content-type": "application/json"],
            body: Array("EMAIL_ID=ann%2Btag%40example.com&PASSWORD=x&SCOPE=ZohoCRM/crmapi".utf8)))
        #expect(answer(response) == ["#", "CAUSE=INVALID_CREDENTIALS", "RESULT=FALSE", ""])
    }

    @Test func refusesMalformedRequestsWith400() {
        let broken = get("SCOPE=%zz")
        #expect(broken.status == 400)
        #expect(broken.bodyText == "The request has a broken percent-encoding.\n")
        #expect(post(body: "PASSWORD=%ff").status == 400)
    }

    @Test func refusesOtherMethodsAndPaths() {
        let put = app.handle(HTTPRequest(method: "PUT", path: "/apiauthtoken/create"))
        #expect(put.status == 405)
        #expect(put.header("Allow") == "GET, POST")
        #expect(get("", path: "/apiauthtoken/other").status == 404)
    }

    @Test func readsCGIVariablesAsNginxPassesThem() {
        let request = HTTPRequest(
            cgi: [
                "REQUEST_METHOD": "POST", "DOCUMENT_URI": "/apiauthtoken/create", "REQUEST_URI": "/apiauthtoken/create?a=1",
                "QUERY_STRING": "a=1", "CONTENT_TYPE": "application/x-www-form-urlencoded",
                "HTTP_USER_AGENT": "curl/8", "HTTP_X_FORWARDED_FOR": "10.0.0.1", "REMOTE_ADDR": "127.0.0.1",
            ], body: [1, 2])
        #expect(request.method == "POST")
        #expect(request.path == "/apiauthtoken/create")
        #expect(request.query == "a=1")
        #expect(request.headers == [
            "content-type": "application/x-www-form-urlencoded", "user-agent": "curl/8", "x-forwarded-for": "10.0.0.1",
        ])
        #expect(request.hasFormBody)
        #expect(request.remoteAddress == "127.0.0.1")
        #expect(request.body == [1, 2])
    }

    /// Raw query bytes that are not UTF-8 reach the web layer repaired with U+FFFD; the
    /// FastCGI layer names them, and they get the same 400 as percent-escaped ones.
    @Test func refusesARawQueryThatWasNotUTF8() {
        let params = ["REQUEST_METHOD": "GET", "DOCUMENT_URI": "/apiauthtoken/create",
                      "QUERY_STRING": "EMAIL_ID=\u{FFFD}&PASSWORD=x&SCOPE=ZohoCRM/crmapi"]
        let refused = app.handle(HTTPRequest(cgi: params, body: [], notUTF8: ["QUERY_STRING"]))
        #expect(refused.status == 400)
        #expect(refused.bodyText.contains("not valid UTF-8"))
        // The same characters sent as real UTF-8 are an ordinary value.
        #expect(app.handle(HTTPRequest(cgi: params, body: [])).status == 200)
    }
}
