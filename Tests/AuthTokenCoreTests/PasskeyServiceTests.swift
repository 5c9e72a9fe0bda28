@_spi(Testing) import AuthTokenCore
import AuthTokenStore
import AuthTokenTestKit
import Foundation
import Synchronization
import Testing
import WebAuthn

@Suite struct PasskeyServiceTests {
    let clock = TestClock()
    static let rp = RelyingParty(publicURL: "https://tokens.example.com")!

    func setUp(throttle: ThrottleRule = ThrottleRule()) throws -> (TestStore, Account) {
        let clock = self.clock
        let t = try TestStore(throttle: throttle, passkeys: PasskeySettings(relyingParty: Self.rp, maxPerAccount: 2), now: { clock.now })
        let ann = try t.auth.accounts.addAccount(email: "ann@example.com", displayName: nil, password: "password1", confirmed: true)
        return (t, ann)
    }

    func register(_ t: TestStore, _ account: Account, _ key: SoftwareAuthenticator, name: String = "YubiKey") throws -> PasskeyRecord {
        let options = try t.auth.passkeys.startRegistration(account: account)
        let made = key.register(challenge: Base64URL.decode(options.challenge)!)
        return try t.auth.passkeys.finishRegistration(
            account: account, name: name, clientDataJSON: made.clientData, attestationObject: made.attestationObject, client: .unknown)
    }

    /// Password, then the key: a session whose second factor was the key.
    func signIn(_ t: TestStore, _ key: inout SoftwareAuthenticator, change: (inout SoftwareAuthenticator.Assertion) -> Void = { _ in })
        throws -> Result<(RandomSecret, WebSession), SecondFactorRefusal>
    {
        guard case .failure(.secondFactorNeeded(let pending)) = try t.auth.sessions.signIn(email: "ann@example.com", password: "password1")
        else { Issue.record("no key step"); return .failure(.expired) }
        let options = try #require(try t.auth.sessions.startKeySignIn(pending: pending.value))
        var answer = key.assert(challenge: Base64URL.decode(options.challenge)!)
        change(&answer)
        return try t.auth.sessions.completeSignIn(pending: pending.value, key: PasskeyService.SignInAnswer(
            credentialID: key.credentialID, clientDataJSON: answer.clientData, authenticatorData: answer.authenticatorData,
            signature: answer.signature, userHandle: PasskeyService.userHandle(accountID: 1)))
    }

    @Test func aRegisteredKeyTurnsTwoFactorOnAndSignsIn() throws {
        let (t, ann) = try setUp()
        var key = SoftwareAuthenticator()
        let record = try register(t, ann, key)
        #expect(record.name == "YubiKey" && record.credentialID == key.credentialID)
        #expect(try t.auth.twoFactor.hasTwoFactor(accountID: ann.id))
        #expect(try t.auth.activity.list(accountID: ann.id).first?.entry.kind == .passkeyAdded)
        let (_, session) = try signIn(t, &key).get()
        #expect(session.secondFactor && session.account.id == ann.id)
        #expect(try t.auth.passkeys.list(accountID: ann.id).first?.signCount == 1)
        // API mode's main password now needs the browser, as with TOTP.
        #expect(try t.auth.tokens.createToken(TokenRequest(email: "ann@example.com", password: "password1", scope: "ZohoCRM/crmapi", displayName: nil))
            .failureValue == .webLoginRequired)
    }

    @Test func aChallengeWorksOnceAndExpires() throws {
        let (t, ann) = try setUp()
        let key = SoftwareAuthenticator()
        let options = try t.auth.passkeys.startRegistration(account: ann)
        let made = key.register(challenge: Base64URL.decode(options.challenge)!)
        func finish() throws -> PasskeyRecord {
            try t.auth.passkeys.finishRegistration(
                account: ann, name: "k", clientDataJSON: made.clientData, attestationObject: made.attestationObject, client: .unknown)
        }
        _ = try finish()
        #expect(throws: PasskeyRefusal.verification(.challengeMismatch)) { try finish() }
        let late = try t.auth.passkeys.startRegistration(account: ann)
        clock.advance(PasskeyService.challengeLifetime)
        let other = SoftwareAuthenticator().register(challenge: Base64URL.decode(late.challenge)!)
        #expect(throws: PasskeyRefusal.verification(.challengeMismatch)) {
            try t.auth.passkeys.finishRegistration(
                account: ann, name: "k", clientDataJSON: other.clientData, attestationObject: other.attestationObject, client: .unknown)
        }
        #expect(try t.auth.passkeys.list(accountID: ann.id).count == 1)
    }

    @Test func refusalsChangeNothingAndCountOnTheThrottle() throws {
        let (t, ann) = try setUp(throttle: ThrottleRule(maxFailures: 3))
        var key = SoftwareAuthenticator()
        _ = try register(t, ann, key)
        var stranger = SoftwareAuthenticator()  // not registered: another person's key
        #expect(Self.isRefused(try signIn(t, &stranger)))
        let forger = key
        #expect(Self.isRefused(try signIn(t, &key) { $0.signature = forger.sign([0]) }))
        #expect(try t.auth.passkeys.list(accountID: ann.id).first?.signCount == 0)
        #expect(Self.isRefused(try signIn(t, &key) { $0.clientData = SoftwareAuthenticator.clientData(
            type: "webauthn.get", challenge: [1, 2, 3], origin: Self.rp.origin) }))
        // The third failure started the account's block: the password step waits too.
        #expect(try t.auth.sessions.signIn(email: "ann@example.com", password: "password1").failureValue == .blocked)
    }

    @Test func aCounterThatWentBackRefusesLogsAndMailsTheOwner() throws {
        let (t, ann) = try setUp()
        let mail = Mutex<[Notice]>([])
        t.auth.notices.deliver { notice in mail.withLock { $0.append(notice) } }
        var key = SoftwareAuthenticator()
        _ = try register(t, ann, key)
        key.signCount = 9
        _ = try signIn(t, &key).get()
        var clone = key
        clone.signCount = 5
        #expect(Self.isRefused(try signIn(t, &clone)))
        #expect(try t.auth.activity.list(accountID: ann.id).contains { $0.entry.kind == .passkeyCounterRegression })
        t.auth.notices.waitUntilSent()
        #expect(mail.withLock { $0.map(\.subject) } == ["authtoken: security key “YubiKey” may have been copied"])
        #expect(try t.auth.passkeys.list(accountID: ann.id).first?.signCount == 10)
    }

    @Test func keysAreCappedNamedAndRemovedAndAResetClearsThem() throws {
        let (t, ann) = try setUp()
        let first = try register(t, ann, SoftwareAuthenticator())
        _ = try register(t, ann, SoftwareAuthenticator(.ed25519), name: "phone")
        #expect(throws: PasskeyRefusal.limitReached(2)) { try register(t, ann, SoftwareAuthenticator()) }
        #expect(throws: PasskeyRefusal.invalidName) { try t.auth.passkeys.rename(id: first.id, accountID: ann.id, name: " ") }
        #expect(try t.auth.passkeys.rename(id: first.id, accountID: ann.id, name: "desk key"))
        #expect(try t.auth.passkeys.remove(id: first.id, accountID: ann.id, client: .unknown))
        #expect(try t.auth.passkeys.list(accountID: ann.id).map(\.name) == ["phone"])
        #expect(try t.auth.twoFactor.resetTwoFactor(accountID: ann.id))
        #expect(try t.auth.passkeys.list(accountID: ann.id).isEmpty)
        #expect(try !t.auth.twoFactor.hasTwoFactor(accountID: ann.id))
    }

    @Test func withoutAPublicURLThereAreNoKeys() throws {
        let t = try TestStore()
        let ann = try t.auth.accounts.addAccount(email: "ann@example.com", displayName: nil, password: "password1", confirmed: true)
        #expect(throws: PasskeyRefusal.unavailable) { try t.auth.passkeys.startRegistration(account: ann) }
    }

    static func isRefused<T>(_ result: Result<T, SecondFactorRefusal>) -> Bool {
        if case .failure(.wrongCodeTryAgain) = result { return true }
        return false
    }
}
