import AuthTokenCore
import AuthTokenTestKit
@_spi(Testing) import AuthTokenWeb
import Foundation
import Logging
import Testing

/// `/apiauthtoken/rotate` and `/apiauthtoken/self` as HTTP: where the token may be, the
/// legacy answer, the JSON.
@Suite struct RotationRouteTests {
    let t: TestStore
    let app: WebApp
    let token: IssuedToken

    init() throws {
        t = try TestStore()
        app = WebApp(auth: t.auth, logger: Logger(label: "test"))
        app.deliverNotices()
        let ann = try t.auth.accounts.addAccount(email: "ann@example.com", displayName: nil, password: "password1", confirmed: true)
        token = try t.auth.tokens.issueToken(accountID: ann.id, scopes: ["ZohoCRM/crmapi"], displayName: "deploy").get()
    }

    func rotate(query: String = "", body: String = "", headers: [String: String] = [:]) -> HTTPResponse {
        var all = headers
        all["content-type"] = "application/x-www-form-urlencoded"
        return app.handle(HTTPRequest(method: "POST", path: "/apiauthtoken/rotate", query: query, headers: all, body: Array(body.utf8)))
    }

    /// The key line of a legacy answer, after checking its shape.
    func keyLine(_ response: HTTPResponse) -> String {
        #expect(response.status == 200)
        let lines = response.bodyText.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 5 && lines[0] == "#" && lines[4] == "")
        return lines.count > 3 ? String(lines[2]) + "\n" + String(lines[3]) : ""
    }

    var stillCurrent: Bool { (try? t.store.token(digest: token.secret.digest)) != nil }

    @Test func rotatesWithTheFieldOrTheHeaderAndAnswersInTheLegacyFormat() throws {
        let answer = keyLine(rotate(body: "AUTHTOKEN=\(token.secret.value)"))
        let new = try #require(answer.firstMatch(of: #/^AUTHTOKEN=([0-9a-f]{32})\nRESULT=TRUE$/#)?.1)
        #expect(try t.store.token(digest: TokenSecret.digest(of: String(new)))?.id == token.record.id)
        let again = keyLine(rotate(headers: ["authorization": "Bearer \(new)"]))
        #expect(again.hasPrefix("AUTHTOKEN=") && !again.contains(new))
        // Same value in both places is not ambiguous.
        let third = try #require(again.firstMatch(of: #/^AUTHTOKEN=([0-9a-f]{32})/#)?.1)
        #expect(keyLine(rotate(body: "authtoken=\(third)", headers: ["authorization": "Zoho-authtoken \(third)"]))
            .hasSuffix("RESULT=TRUE"))
    }

    @Test func refusesAmbiguityAndDeadValuesWithTheDeadTokenAnswer() throws {
        let other = TokenSecret.generate().value
        let dead = "CAUSE=INVALID_AUTHTOKEN\nRESULT=FALSE"
        #expect(keyLine(rotate()) == dead)
        #expect(keyLine(rotate(body: "AUTHTOKEN=\(token.secret.value)", headers: ["authorization": "Bearer \(other)"])) == dead)
        #expect(keyLine(rotate(body: "AUTHTOKEN=\(token.secret.value)&authtoken=\(token.secret.value)")) == dead)
        #expect(keyLine(rotate(query: "AUTHTOKEN=\(other)", body: "AUTHTOKEN=\(token.secret.value)")) == dead)
        #expect(keyLine(rotate(headers: ["authorization": "Bearer \(token.secret.value), Bearer \(other)"])) == dead)
        #expect(keyLine(rotate(body: "AUTHTOKEN=\(other)")) == dead)
        #expect(stillCurrent)
        let get = app.handle(HTTPRequest(method: "GET", path: "/apiauthtoken/rotate", query: "AUTHTOKEN=\(token.secret.value)"))
        #expect(get.status == 405 && get.header("Allow") == "POST")
        #expect(stillCurrent)
    }

    @Test func selfAnswersJSONAboutThatTokenOnly() throws {
        func inspect(_ headers: [String: String], query: String = "") -> HTTPResponse {
            app.handle(HTTPRequest(method: "GET", path: "/apiauthtoken/self", query: query, headers: headers))
        }
        let answer = inspect(["authorization": "Bearer \(token.secret.value)"])
        #expect(answer.status == 200 && answer.header("Content-Type") == "application/json; charset=UTF-8")
        #expect(answer.header("Cache-Control") == "no-store")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])
        #expect(object["name"] as? String == "deploy" && object["scopes"] as? [String] == ["ZohoCRM/crmapi"])
        #expect(object["expires"] is NSNull && object["rotated_from"] is NSNull && object["last_used"] is NSNull)
        #expect(object["hint"] as? String == token.record.hint)
        #expect(Set(object.keys) == ["id", "name", "scopes", "hint", "created", "last_used", "last_used_from", "expires",
                                      "rotated_at", "rotated_from", "value_works_until"])
        #expect(!answer.bodyText.contains(token.secret.value))
        #expect(inspect([:]).status == 401)
        #expect(inspect([:]).header("WWW-Authenticate") == "Bearer")
        #expect(inspect(["authorization": "Bearer \(TokenSecret.generate().value)"]).status == 401)
        #expect(inspect(["authorization": "Bearer a, Bearer b"]).status == 400)
        #expect(inspect(["authorization": "Bearer \(token.secret.value)"], query: "authtoken=\(token.secret.value)").status == 400)
        #expect(app.handle(HTTPRequest(method: "POST", path: "/apiauthtoken/self", query: "")).status == 405)
    }
}

@Suite struct MailHeaderTests {
    @Test func nonASCIISubjectsAreEncodedWordsOfAtMost75Characters() throws {
        #expect(Mailer.headerText("Reset your authtoken password") == "Reset your authtoken password")
        let subject = "authtoken: token “nightly sync für Bücher und noch viel mehr Text” revoked after reuse of an old value"
        let encoded = Mailer.headerText(subject)
        let words = encoded.components(separatedBy: "\n ")
        #expect(words.count > 1)
        var decoded = Data()
        for word in words {
            #expect(word.count <= 75 && word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            let base64 = word.dropFirst(10).dropLast(2)
            let bytes = try #require(Data(base64Encoded: String(base64)))
            #expect(String(data: bytes, encoding: .utf8) != nil)  // no character is split
            decoded += bytes
        }
        #expect(String(data: decoded, encoding: .utf8) == subject)
        #expect(!encoded.contains("\r") && encoded.allSatisfy(\.isASCII))
    }
}
