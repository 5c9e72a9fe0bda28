import AuthTokenCore
import AuthTokenStore
import AuthTokenTestKit
import AuthTokenWeb
import Foundation
import Testing

/// Security keys through the pages: `/twofactor/key/…` and `/signin/key`, with the
/// software authenticator answering as a browser's `passkey.js` would post it.
@Suite struct PasskeyPagesTests {
    static let rpID = "localhost", origin = "http://localhost"

    static func attribute(_ name: String, _ page: HTTPResponse) -> String? {
        guard let range = page.bodyText.range(of: "\(name)=\"") else { return nil }
        let rest = page.bodyText[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    static func b64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func bytes(_ base64url: String) -> [UInt8] { PasskeyService.decode(base64url) ?? [] }

    /// A signed-in browser for ann (no two-factor yet).
    func signedIn(maxPasskeys: Int = 10) throws -> (BrowserHarness, Int64) {
        let b = try BrowserHarness(maxPasskeys: maxPasskeys)
        let id = try b.addAccount("ann@example.com")
        #expect(b.signIn("ann@example.com", "password1").status == 303)
        return (b, id)
    }

    /// The password step and the key's ceremony, as the pages run them: the finish's answer.
    @discardableResult
    func addKey(_ b: BrowserHarness, _ key: SoftwareAuthenticator, name: String = "YubiKey",
                origin: String = Self.origin) throws -> HTTPResponse {
        let csrf = b.sessionToken()
        let start = b.post("/twofactor/key/start", [("csrf", csrf), ("name", name), ("password", "password1")])
        #expect(start.status == 200)
        let challenge = try #require(Self.attribute("data-challenge", start))
        let made = key.register(challenge: Self.bytes(challenge), rpID: Self.rpID, origin: origin)
        return b.post("/twofactor/key/finish", [
            ("csrf", csrf), ("name", name), ("clientDataJSON", Self.b64(made.clientData)),
            ("attestationObject", Self.b64(made.attestationObject)),
        ])
    }

    @Test func aFirstKeyIsAddedWithRecoveryCodesThenListedRenamedAndRemoved() throws {
        let (b, ann) = try signedIn()
        let page = b.get("/twofactor")
        #expect(page.bodyText.contains("Add a security key or passkey"))
        #expect(page.bodyText.contains("You have no security keys."))
        // A wrong password: refused, no challenge handed out, nothing stored.
        let wrong = b.post("/twofactor/key/start", [("csrf", b.sessionToken()), ("name", "YubiKey"), ("password", "nope")])
        #expect(wrong.status == 400)
        #expect(wrong.bodyText.contains("Your current password was wrong. No key was added."))
        #expect(Self.attribute("data-challenge", wrong) == nil)
        // The ceremony's page carries the challenge in data- attributes, no inline script.
        let start = b.post("/twofactor/key/start", [("csrf", b.sessionToken()), ("name", "YubiKey"), ("password", "password1")])
        #expect(start.status == 200)
        #expect(Self.attribute("data-rp-id", start) == "localhost")
        #expect(Self.attribute("data-user-id", start) == Self.b64(PasskeyService.userHandle(accountID: ann)))
        #expect(Self.attribute("data-user-name", start) == "ann@example.com")
        #expect(start.bodyText.contains("<script src=\"/static/passkey.js\" defer></script>"))
        #expect(!start.bodyText.contains("<script>"))
        // The first key: the recovery codes, once.
        let first = try addKey(b, SoftwareAuthenticator())
        #expect(first.status == 200)
        #expect(first.bodyText.contains("The security key “YubiKey” was added."))
        let codes = first.bodyText.matches(of: #/<li><code>([0-9a-z]{5}-[0-9a-z]{5})</code></li>/#).map { String($0.1) }
        #expect(codes.count == 10)
        #expect(try b.t.auth.twoFactor.recoveryCodesLeft(accountID: ann) == 10)
        #expect(try b.t.auth.twoFactor.hasTwoFactor(accountID: ann))
        // A second key: no new codes.
        let second = try addKey(b, SoftwareAuthenticator(.ed25519), name: "Laptop")
        #expect(second.status == 303)
        #expect(second.header("Location") == "/twofactor?done=key-added")
        let list = b.get("/twofactor?done=key-added")
        #expect(list.bodyText.contains("The security key was added."))
        #expect(list.bodyText.contains("<h3 class=\"name\">YubiKey</h3>") && list.bodyText.contains("<h3 class=\"name\">Laptop</h3>"))
        #expect(list.bodyText.contains("You have 10 unused recovery codes."))
        let keys = try b.t.auth.passkeys.list(accountID: ann)
        #expect(keys.map(\.name) == ["YubiKey", "Laptop"])
        #expect(keys.allSatisfy { $0.lastUsedAt == nil })
        // Rename; an unusable name changes nothing.
        let bad = b.post("/twofactor/key/rename", [("csrf", b.sessionToken()), ("id", String(keys[0].id)), ("name", " ")])
        #expect(bad.status == 400)
        #expect(bad.bodyText.contains("Give the key a name of 1 to 100 characters"))
        let renamed = b.post("/twofactor/key/rename", [("csrf", b.sessionToken()), ("id", String(keys[0].id)), ("name", "Blue key")])
        #expect(renamed.header("Location") == "/twofactor?done=key-renamed")
        #expect(try b.t.auth.passkeys.list(accountID: ann).map(\.name) == ["Blue key", "Laptop"])
        // Not the last factor: removed at once.
        let removed = b.post("/twofactor/key/remove", [("csrf", b.sessionToken()), ("id", String(keys[1].id))])
        #expect(removed.header("Location") == "/twofactor?done=key-removed")
        #expect(try b.t.auth.passkeys.list(accountID: ann).map(\.name) == ["Blue key"])
        #expect(try b.t.auth.activity.list(accountID: ann).map(\.entry.kind).contains(.passkeyRemoved))
        // Another account's key, or none: 404, nothing changed.
        let missing = b.post("/twofactor/key/remove", [("csrf", b.sessionToken()), ("id", "999")])
        #expect(missing.status == 404)
        #expect(missing.bodyText.contains("You have no security key with this number"))
    }

    @Test func removingTheLastSecondFactorAsksForThePassword() throws {
        let (b, ann) = try signedIn()
        try addKey(b, SoftwareAuthenticator())
        let key = try #require(try b.t.auth.passkeys.list(accountID: ann).first)
        let ask = b.post("/twofactor/key/remove", [("csrf", b.sessionToken()), ("id", String(key.id))])
        #expect(ask.status == 200)
        #expect(ask.bodyText.contains("“YubiKey” is your only second factor."))
        #expect(try b.t.auth.passkeys.list(accountID: ann).count == 1)
        let wrong = b.post("/twofactor/key/remove", [("csrf", b.sessionToken()), ("id", String(key.id)), ("password", "nope")])
        #expect(wrong.status == 400)
        #expect(wrong.bodyText.contains("Your current password was wrong. The key was not removed."))
        #expect(try b.t.auth.passkeys.list(accountID: ann).count == 1)
        #expect(try b.t.auth.twoFactor.recoveryCodesLeft(accountID: ann) == 10)
        let done = b.post("/twofactor/key/remove", [("csrf", b.sessionToken()), ("id", String(key.id)), ("password", "password1")])
        #expect(done.status == 303)
        #expect(done.header("Location") == "/twofactor?done=off")
        #expect(try b.t.auth.passkeys.list(accountID: ann).isEmpty)
        #expect(try b.t.auth.twoFactor.recoveryCodesLeft(accountID: ann) == 0)
        #expect(try !b.t.auth.twoFactor.hasTwoFactor(accountID: ann))
        #expect(b.get("/twofactor?done=off").bodyText.contains("Two-factor sign-in is off."))
    }

    @Test func theCapRefusesOneKeyMore() throws {
        let (b, ann) = try signedIn(maxPasskeys: 2)
        try addKey(b, SoftwareAuthenticator())
        try addKey(b, SoftwareAuthenticator(), name: "Second")
        let third = b.post("/twofactor/key/start", [("csrf", b.sessionToken()), ("name", "Third"), ("password", "password1")])
        #expect(third.status == 409)
        #expect(third.bodyText.contains("You have 2 security keys, the most allowed. Remove one you no longer use first."))
        #expect(try b.t.auth.passkeys.list(accountID: ann).count == 2)
    }

    @Test func aRefusedRegistrationSaysWhyAndStoresNothing() throws {
        let (b, ann) = try signedIn()
        let otherSite = try addKey(b, SoftwareAuthenticator(), origin: "http://evil.example")
        #expect(otherSite.status == 400)
        #expect(otherSite.bodyText.contains("The security key was not added: the answer was made for another site."))
        // A look-alike origin that starts with ours is another site too.
        let lookAlike = try addKey(b, SoftwareAuthenticator(), origin: "http://localhost.evil.example")
        #expect(lookAlike.status == 400)
        #expect(lookAlike.bodyText.contains("The security key was not added: the answer was made for another site."))
        let empty = b.post("/twofactor/key/finish", [("csrf", b.sessionToken()), ("name", "x"), ("clientDataJSON", ""), ("attestationObject", "")])
        #expect(empty.status == 400)
        #expect(empty.bodyText.contains("The security key was not added: the browser sent no complete answer."))
        #expect(try b.t.auth.passkeys.list(accountID: ann).isEmpty)
        #expect(try b.t.auth.twoFactor.recoveryCodesLeft(accountID: ann) == 0)
    }

    /// Password, then the key: a session with `secondFactor`, the key's last use and counter stored.
    @Test func signInWithTheKeyOrARecoveryCode() throws {
        let (b, ann) = try signedIn()
        var key = SoftwareAuthenticator()
        let codes = try addKey(b, key).bodyText.matches(of: #/<li><code>([0-9a-z-]{11})</code></li>/#).map { String($0.1) }
        b.cookies = [:]
        #expect(b.signIn("ann@example.com", "password1").header("Location") == "/signin/code")
        let page = b.get("/signin/code")
        #expect(page.bodyText.contains("data-passkey=\"sign-in\""))
        #expect(page.bodyText.contains("Enter one of your recovery codes."))
        #expect(Self.attribute("data-allow", page) == Self.b64(key.credentialID))
        // A bad signature: the code page again with a new challenge; no session, nothing moved.
        var answer = key.assert(challenge: Self.bytes(try #require(Self.attribute("data-challenge", page))), rpID: Self.rpID, origin: Self.origin)
        answer.signature[answer.signature.count - 3] ^= 1
        let refused = b.post("/signin/key", Self.assertion(page, key, answer))
        #expect(refused.status == 200)
        #expect(refused.bodyText.contains("Your security key was not accepted. Try again, or enter a code."))
        #expect(b.cookies["authtoken_session"] == nil)
        #expect(try b.t.auth.passkeys.list(accountID: ann).first?.signCount == 0)
        // The right answer to the new challenge.
        let again = key.assert(challenge: Self.bytes(try #require(Self.attribute("data-challenge", refused))), rpID: Self.rpID, origin: Self.origin)
        let done = b.post("/signin/key", Self.assertion(refused, key, again))
        #expect(done.status == 303)
        #expect(done.header("Location") == "/tokens")
        let secret = try #require(b.cookies["authtoken_session"])
        #expect(try b.t.auth.sessions.session(secret: secret)?.secondFactor == true)
        let stored = try #require(try b.t.auth.passkeys.list(accountID: ann).first)
        #expect(stored.signCount == 2)
        #expect(abs(try #require(stored.lastUsedAt).timeIntervalSince(b.clock.now)) < 1)
        #expect(b.get("/twofactor").bodyText.contains("<dt>Last used</dt><dd class=\"last-used\"><time"))
        // A key-only account's recovery code works on the code step.
        b.cookies = [:]
        #expect(b.signIn("ann@example.com", "password1").header("Location") == "/signin/code")
        let codePage = b.get("/signin/code")
        let byCode = b.post("/signin/code", [("csrf", BrowserHarness.formToken(codePage)), ("code", codes[0])])
        #expect(byCode.status == 303)
        #expect(try b.t.auth.twoFactor.recoveryCodesLeft(accountID: ann) == 9)
    }

    @Test func aMalformedKeyAnswerIsRefusedAndTheSignInStays() throws {
        let (b, _) = try signedIn()
        try addKey(b, SoftwareAuthenticator())
        b.cookies = [:]
        b.signIn("ann@example.com", "password1")
        let page = b.get("/signin/code")
        let pending = b.cookies["authtoken_pending"]
        let bad = b.post("/signin/key", [("csrf", BrowserHarness.formToken(page)), ("credentialID", "!!"), ("clientDataJSON", "e30"),
                                         ("authenticatorData", "AA"), ("signature", "AA")])
        #expect(bad.status == 400)
        #expect(bad.bodyText.contains("answer was incomplete or malformed. Try again, or enter a code."))
        #expect(b.cookies["authtoken_pending"] == pending)
        #expect(b.cookies["authtoken_session"] == nil)
    }

    /// A key session is a two-factor session: the administrators' pages take it, and show the keys.
    @Test func aKeySessionReachesTheAdminPagesAndResetRemovesTheKeys() throws {
        let (b, ann) = try signedIn()
        try b.t.auth.accounts.setAdmin(accountID: ann, true)
        var key = SoftwareAuthenticator()
        try addKey(b, key)
        b.cookies = [:]
        b.signIn("ann@example.com", "password1")
        let page = b.get("/signin/code")
        let answer = key.assert(challenge: Self.bytes(try #require(Self.attribute("data-challenge", page))), rpID: Self.rpID, origin: Self.origin)
        #expect(b.post("/signin/key", Self.assertion(page, key, answer)).status == 303)
        let admin = b.get("/admin/account?id=\(ann)")
        #expect(admin.status == 200)
        #expect(admin.bodyText.contains("<ul class=\"passkeys\">\n  <li>YubiKey · added "))
        #expect(!admin.bodyText.contains("last used never"))
        // The admin reset takes the keys and codes with it.
        #expect(try b.t.auth.twoFactor.resetTwoFactor(accountID: ann))
        #expect(try b.t.auth.passkeys.list(accountID: ann).isEmpty)
        #expect(try b.t.auth.twoFactor.recoveryCodesLeft(accountID: ann) == 0)
    }

    static func assertion(_ page: HTTPResponse, _ key: SoftwareAuthenticator, _ answer: SoftwareAuthenticator.Assertion)
        -> [(String, String)]
    {
        [("csrf", BrowserHarness.formToken(page)), ("credentialID", b64(key.credentialID)),
         ("clientDataJSON", b64(answer.clientData)), ("authenticatorData", b64(answer.authenticatorData)),
         ("signature", b64(answer.signature)), ("userHandle", b64(PasskeyService.userHandle(accountID: 1)))]
    }
}
