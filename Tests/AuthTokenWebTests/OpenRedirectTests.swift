import AuthTokenWeb
import Testing

@Suite struct OpenRedirectTests {
    static let hostile = [
        "//evil.example", "//evil.example/tokens", "///evil.example", "/\\evil.example", "\\\\evil.example",
        "/\\/evil.example", "https://evil.example", "http:evil.example", "javascript:alert(1)",
        "evil.example", "", " /tokens", "/\t/evil.example", "/\n/evil.example", "/tokens\r\nSet-Cookie: x=1",
        "%2F%2Fevil.example", "/ /evil.example", "\u{FF0F}\u{FF0F}evil.example",
    ]

    @Test(arguments: hostile)
    func hostileNextGoesToTheTokenPage(next: String) throws {
        let b = try BrowserHarness()
        try b.addAccount("ann@example.com")
        #expect(!b.get("/signin?next=" + BrowserHarness.encode(next)).bodyText.contains("name=\"next\""))
        let answer = b.signIn("ann@example.com", "password1", next: next)
        #expect(answer.status == 303)
        #expect(answer.header("Location") == "/tokens")
        // Once signed in, the sign-in page itself redirects; the guard holds there too.
        #expect(b.get("/signin?next=" + BrowserHarness.encode(next)).header("Location") == "/tokens")
    }

    /// A NUL byte is refused before any page logic runs.
    @Test func nulInNextIs400() throws {
        let b = try BrowserHarness()
        try b.addAccount("ann@example.com")
        let answer = b.signIn("ann@example.com", "password1", next: "/tokens\u{0}")
        #expect(answer.status == 400)
        #expect(answer.header("Location") == nil)
    }

    @Test(arguments: [
        "/developer", "/apiauthtoken/create?SCOPE=ZohoRecruit%2Frecruitapi&DISPLAY_NAME=x",
        "/tokens?done=removed", "/a//b",
    ])
    func localPathsAreHonoured(next: String) throws {
        let b = try BrowserHarness()
        try b.addAccount("ann@example.com")
        #expect(b.signIn("ann@example.com", "password1", next: next).header("Location") == next)
    }

    @Test func aPageNeedingSignInComesBackAfterwards() throws {
        let b = try BrowserHarness()
        try b.addAccount("ann@example.com")
        let away = b.get("/apiauthtoken/nb/create?SCOPE=crmapi&DISPLAY_NAME=my+app")
        #expect(away.status == 303)
        let location = try #require(away.header("Location"))
        #expect(location == "/signin?next=%2Fapiauthtoken%2Fnb%2Fcreate%3FSCOPE%3Dcrmapi%26DISPLAY_NAME%3Dmy%2Bapp")
        let form = b.get(location)
        #expect(form.bodyText.contains(
            "name=\"next\" value=\"/apiauthtoken/nb/create?SCOPE=crmapi&amp;DISPLAY_NAME=my+app\""))
        let back = b.signIn("ann@example.com", "password1", next: "/apiauthtoken/nb/create?SCOPE=crmapi&DISPLAY_NAME=my+app")
        #expect(back.header("Location") == "/apiauthtoken/nb/create?SCOPE=crmapi&DISPLAY_NAME=my+app")
    }
}
