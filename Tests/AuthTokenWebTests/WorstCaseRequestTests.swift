import AuthTokenCore
import AuthTokenWeb
import Foundation
import Testing

/// Whole requests with the worst inputs found, through the web layer, timed: the body
/// parser, the cookie parser, and API mode and the pre-session forms with a 64 KiB e-mail
/// address of distinct Han and Hangul letters (issue 20, item 4). The bound is generous;
/// what it catches is a stall (that address cost over a second of CPU).
@Suite(.serialized) struct WorstCaseRequestTests {
    static let bound = Duration.seconds(2)  // the unbounded parse took 11 s

    /// `count` distinct Han and Hangul letters, alternating, as raw UTF-8.
    static func letters(_ count: Int) -> String {
        String(String.UnicodeScalarView((0..<count).map {
            Unicode.Scalar(($0.isMultiple(of: 2) ? 0x4E00 : 0xAC00) + UInt32($0 / 2))!
        }))
    }

    /// A form body as close to the 64 KiB cap as `field`'s value allows, the rest fixed.
    static func body(_ fixed: String, field: String) -> [UInt8] {
        let head = Array((fixed + "&" + field + "=a@").utf8), tail = Array(".com".utf8)
        let room = (64 * 1024 - head.count - tail.count) / 3
        return head + Array(letters(room).utf8) + tail
    }

    static func timed(_ work: () -> HTTPResponse) -> (HTTPResponse, Duration) {
        var response: HTTPResponse?
        let elapsed = ContinuousClock().measure { response = work() }
        return (response!, elapsed)
    }

    @Test func apiModeRefusesAHugeAddressQuickly() throws {
        let h = try BrowserHarness()
        let (response, elapsed) = Self.timed {
            h.app.handle(HTTPRequest(
                method: "POST", path: "/apiauthtoken/create",
                headers: ["content-type": "application/x-www-form-urlencoded"],
                body: Self.body("PASSWORD=x&SCOPE=ZohoCRM/crmapi", field: "EMAIL_ID")))
        }
        #expect(response.status == 200)
        // Kept out of #expect's expression: describing a failure that holds the 64 KiB of
        // mixed scripts crashes the test runner (the stdlib's NFC compare).
        let refused = response.bodyText.hasSuffix("\nCAUSE=NO_SUCH_USER\nRESULT=FALSE\n")
        #expect(refused, "API mode's answer is NO_SUCH_USER")
        #expect(elapsed < Self.bound)
    }

    @Test(arguments: [
        ("/signin", "password=x", "That is not an e-mail address: an e-mail address has at most 254 characters."),
        ("/forgot", "", "That is not an e-mail address: an e-mail address has at most 254 characters."),
        ("/register", "password=password1&password2=password1",
         "That did not work: not a valid e-mail address: an e-mail address has at most 254 characters."),
    ])
    func formsRefuseAHugeAddressQuickly(_ path: String, _ fields: String, _ message: String) throws {
        let h = try BrowserHarness()
        let csrf = BrowserHarness.formToken(h.get(path))
        let (response, elapsed) = Self.timed {
            h.app.handle(HTTPRequest(
                method: "POST", path: path,
                headers: ["content-type": "application/x-www-form-urlencoded",
                          "cookie": h.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")],
                body: Self.body("csrf=\(csrf)&" + fields, field: "email")))
        }
        let said = response.bodyText.contains(message)  // out of #expect: see apiModeRefusesAHugeAddressQuickly
        #expect(said, "the page says: \(message)")
        #expect(elapsed < Self.bound)
    }

    @Test(arguments: [
        String(repeating: "%41", count: 21_000),
        String(repeating: "&", count: 65_000),
        "a=" + String(repeating: "+", count: 65_000),
        String(repeating: "=", count: 65_000),
        (0..<300).map { "p\($0)=" + String(repeating: "x", count: 200) }.joined(separator: "&"),
    ])
    func theBodyParserIsLinear(_ body: String) {
        let clock = ContinuousClock()
        let elapsed = clock.measure { _ = try? FormData(parsing: body) }
        #expect(elapsed < Self.bound)
    }

    @Test(arguments: [
        String(repeating: ";", count: 8_000),
        String(repeating: "a=b; ", count: 1_600),
        String(repeating: " ", count: 8_000) + "authtoken_session=x",
        "authtoken_session=" + String(repeating: "\u{0301}", count: 4_000),
        String(repeating: "🇦", count: 2_000),
    ])
    func theCookieParserIsLinear(_ cookie: String) throws {
        let h = try BrowserHarness()
        let (response, elapsed) = Self.timed {
            h.app.handle(HTTPRequest(method: "GET", path: "/tokens", headers: ["cookie": cookie]))
        }
        #expect(response.status == 303)
        #expect(elapsed < Self.bound)
    }
}
