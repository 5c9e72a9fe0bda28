@_spi(Testing) import AuthTokenCore
import AuthTokenStore
import AuthTokenTestKit
import Foundation
import GRDB
import Synchronization
import Testing

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { time.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
}

@Suite struct TwoFactorTests {
    let clock = TestClock()

    func setUp() throws -> (TestStore, Account) {
        let clock = self.clock
        let t = try TestStore(now: { clock.now })
        let account = try t.auth.accounts.addAccount(email: "two@example.com", displayName: nil, password: "password1", confirmed: true)
        return (t, account)
    }

    /// A sign-in code refused as wrong (the person stays on the code step).
    static func isWrongCode<T>(_ result: Result<T, SecondFactorRefusal>) -> Bool {
        if case .failure(.wrongCodeTryAgain) = result { return true }
        return false
    }

    func currentCode(_ setup: TwoFactorSetup, offset: Int64 = 0) -> String {
        TOTP.code(secret: Base32.decode(setup.secret)!, step: TOTP.step(at: clock.now) + offset)
    }

    func enable(_ t: TestStore, _ account: Account) throws -> (TwoFactorSetup, [String]) {
        let setup = try #require(try t.auth.twoFactor.startTwoFactorSetup(account: account))
        #expect(setup.uri == "otpauth://totp/authtoken:two@example.com?secret=\(setup.secret)&issuer=authtoken")
        #expect(try t.auth.twoFactor.confirmTwoFactorSetup(account: account, keepSession: nil, password: "password1", code: "000000").failureValue == .wrongCode)
        // A stolen session has the code of its own app but not the password.
        #expect(try t.auth.twoFactor.confirmTwoFactorSetup(account: account, keepSession: nil, password: "password2", code: currentCode(setup)).failureValue == .wrongCode)
        #expect(try !t.auth.twoFactor.hasTwoFactor(accountID: account.id))
        let codes = try t.auth.twoFactor.confirmTwoFactorSetup(account: account, keepSession: nil, password: "password1", code: currentCode(setup)).get()
        return (setup, codes)
    }

    func token(_ t: TestStore, _ password: String) throws -> Result<IssuedToken, TokenRefusal> {
        try t.auth.tokens.createToken(TokenRequest(email: "two@example.com", password: password, scope: "ZohoCRM/crmapi", displayName: nil))
    }

    /// Issue 20, items 5 and 6: a set-up started again by another session after the code
    /// was read turns nothing on (not the newer secret either); a confirmation ends every
    /// other session of the account, and the one that asked stays.
    @Test func onlyTheCheckedSecretIsTurnedOnAndOtherSessionsEnd() throws {
        let (t, account) = try setUp()
        let (_, mine) = try t.auth.sessions.signIn(email: "two@example.com", password: "password1").get()
        let (_, older) = try t.auth.sessions.signIn(email: "two@example.com", password: "password1").get()
        let setup = try #require(try t.auth.twoFactor.startTwoFactorSetup(account: account))
        let code = currentCode(setup)
        let intruder = try #require(try t.auth.twoFactor.startTwoFactorSetup(account: account))  // the other session
        #expect(intruder.secret != setup.secret && intruder.id != setup.id)
        // Naming the set-up it showed, the owner's page is told at once, and nothing is hashed.
        let hashes = t.auth.hasher.hashCount
        #expect(try t.auth.twoFactor.confirmTwoFactorSetup(
            account: account, keepSession: mine.digest, setupID: setup.id, password: "password1", code: code
        ).failureValue == .expired)
        #expect(t.auth.hasher.hashCount == hashes)
        // Without it, the code is checked against the secret now pending: wrong.
        #expect(try t.auth.twoFactor.confirmTwoFactorSetup(
            account: account, keepSession: mine.digest, password: "password1", code: code).failureValue == .wrongCode)
        #expect(try !t.auth.twoFactor.hasTwoFactor(accountID: account.id))
        // The race itself: the code checked against the first secret, the second stored
        // before the store turns one on. The store's compare-and-set refuses.
        let sealed = try #require(try t.store.twoFactor(accountID: account.id)).sealedSecret
        let fresh = try #require(try t.auth.twoFactor.startTwoFactorSetup(account: account))
        #expect(try !t.store.enableTwoFactor(
            accountID: account.id, sealedSecret: sealed, step: 1, recoveryDigests: [], keepSession: mine.digest))
        #expect(try t.store.twoFactor(accountID: account.id)?.enabled == false)
        #expect(try t.store.session(digest: older.digest) != nil)
        // Confirmed for the secret now pending: on, with that secret; the older session ends.
        let codes = try t.auth.twoFactor.confirmTwoFactorSetup(
            account: account, keepSession: mine.digest, password: "password1", code: currentCode(fresh)).get()
        #expect(codes.count == 10)
        #expect(try t.auth.twoFactor.checkSecondFactor(accountID: account.id, code: currentCode(fresh, offset: 1)))
        #expect(try t.store.session(digest: mine.digest)?.account.id == account.id)
        #expect(try t.store.session(digest: older.digest) == nil)
    }

    @Test func turningOnNeedsACurrentCodeAndGivesTenRecoveryCodes() throws {
        let (t, account) = try setUp()
        #expect(try !t.auth.twoFactor.hasTwoFactor(accountID: account.id))
        let (_, codes) = try enable(t, account)
        #expect(codes.count == 10 && Set(codes).count == 10)
        #expect(try t.auth.twoFactor.hasTwoFactor(accountID: account.id))
        #expect(try t.auth.twoFactor.recoveryCodesLeft(accountID: account.id) == 10)
        // Already on: no new secret replaces the confirmed one.
        #expect(try t.auth.twoFactor.startTwoFactorSetup(account: account) == nil)
    }

    @Test func aCodeWorksOnceAndNeighbouringStepsToo() throws {
        let (t, account) = try setUp()
        let (setup, _) = try enable(t, account)
        clock.advance(60)
        let code = currentCode(setup)
        #expect(try t.auth.twoFactor.checkSecondFactor(accountID: account.id, code: code))
        #expect(try !t.auth.twoFactor.checkSecondFactor(accountID: account.id, code: code), "replay")
        // The previous step is older than the one just used: a replay window, refused too.
        #expect(try !t.auth.twoFactor.checkSecondFactor(accountID: account.id, code: currentCode(setup, offset: -1)))
        #expect(try t.auth.twoFactor.checkSecondFactor(accountID: account.id, code: currentCode(setup, offset: 1)))
        clock.advance(300)
        #expect(try !t.auth.twoFactor.checkSecondFactor(accountID: account.id, code: currentCode(setup, offset: 2)))
        #expect(try !t.auth.twoFactor.checkSecondFactor(accountID: account.id, code: currentCode(setup, offset: -2)))
        #expect(try t.auth.twoFactor.checkSecondFactor(accountID: account.id, code: currentCode(setup, offset: -1)))
    }

    @Test func recoveryCodesAreSingleUse() throws {
        let (t, account) = try setUp()
        let (_, codes) = try enable(t, account)
        #expect(try t.auth.twoFactor.checkSecondFactor(accountID: account.id, code: codes[3].uppercased()))
        #expect(try !t.auth.twoFactor.checkSecondFactor(accountID: account.id, code: codes[3]))
        #expect(try t.auth.twoFactor.recoveryCodesLeft(accountID: account.id) == 9)
        #expect(try !t.auth.twoFactor.checkSecondFactor(accountID: account.id, code: "aaaaa-bbbbb"))
    }

    @Test func theSecretIsEncryptedAtRest() throws {
        let (t, account) = try setUp()
        let (setup, _) = try enable(t, account)
        let raw = Base32.decode(setup.secret)!
        let queue = try DatabaseQueue(path: t.directory.appendingPathComponent("test.sqlite").path)
        let stored = try queue.read { db in
            try Data.fetchOne(db, sql: "SELECT sealed_secret FROM two_factor WHERE account_id = ?", arguments: [account.id])
        }
        let bytes = [UInt8](try #require(stored))
        #expect(!String(decoding: bytes, as: UTF8.self).contains(setup.secret))
        #expect(bytes.count == raw.count + 28)  // nonce and tag around the ciphertext
        #expect(Data(bytes).range(of: Data(raw)) == nil)
        // Another key cannot open it: every code is wrong (KeyRotationTests: recovery codes
        // still work), never a guess and never an error page.
        let other = AuthService(
            store: t.store,
            settings: AuthSettings(scopes: t.auth.settings.scopes, secretBox: SecretBox(hexKey: String(repeating: "01", count: 32))),
            now: { [clock] in clock.now })
        let current = TOTP.code(secret: raw, step: TOTP.step(at: clock.now))
        #expect(try other.twoFactor.checkSecondFactor(accountID: account.id, code: current) == false)
        let none = AuthService(store: t.store, settings: AuthSettings(scopes: t.auth.settings.scopes))
        #expect(throws: SecretBoxError.self) { try none.sessions.signIn(email: "two@example.com", password: "password1") }
    }

    @Test func signInWaitsForTheSecondFactor() throws {
        let (t, account) = try setUp()
        let (setup, _) = try enable(t, account)
        clock.advance(30)
        guard case .failure(.secondFactorNeeded(let pending)) = try t.auth.sessions.signIn(email: "two@example.com", password: "password1")
        else { Issue.record("expected a code step"); return }
        guard case .wrongCodeTryAgain(let again) = try t.auth.sessions.completeSignIn(pending: pending.value, code: "000000").failureValue
        else { Issue.record("a wrong code did not keep the person on the code step"); return }
        // The old half-done sign-in is used up by the wrong code; the new one takes the right code.
        #expect(try t.auth.sessions.completeSignIn(pending: pending.value, code: currentCode(setup)).failureValue == .expired)
        let (secret, session) = try t.auth.sessions.completeSignIn(pending: again.value, code: currentCode(setup)).get()
        #expect(session.account.id == account.id)
        #expect(try t.auth.sessions.session(secret: secret.value) != nil)
    }

    @Test func apiModeWantsAnApplicationPassword() throws {
        let (t, account) = try setUp()
        let (created, _) = try t.auth.appPasswords.createAppPassword(
            account: account, name: "laptop", currentPassword: "password1", client: .unknown).get()
        #expect(created.range(of: #"^[a-z0-9]{4} [a-z0-9]{4} [a-z0-9]{4}$"#, options: .regularExpression) != nil)
        #expect(try t.auth.appPasswords.createAppPassword(
            account: account, name: "x", currentPassword: "wrong-password", client: .unknown).failureValue == .wrongPassword)
        // Before two-factor the main password still works.
        #expect(try token(t, "password1").failureValue == nil)
        _ = try enable(t, account)
        #expect(try token(t, "password1").failureValue == .webLoginRequired)
        let spaced = try token(t, created).get()
        let plain = try token(t, created.replacingOccurrences(of: " ", with: "")).get()
        let tokens = try t.store.tokens(accountID: account.id)
        let id = try t.auth.appPasswords.list(accountID: account.id)[0].id
        #expect(tokens.filter { $0.appPasswordID == id }.map(\.id) == [spaced.record.id, plain.record.id])
        #expect(try t.auth.appPasswords.list(accountID: account.id)[0].lastUsedAt != nil)
        #expect(try token(t, "abcd efgh ijkl").failureValue == .invalidPassword)
        #expect(try t.auth.appPasswords.revokeAppPassword(id: id, accountID: account.id))
        #expect(try token(t, created).failureValue == .invalidPassword)
        // Tokens are permanent: revoking the password leaves them.
        #expect(try t.store.tokens(accountID: account.id).count == 3)
    }

    @Test func turningOffNeedsPasswordAndCodeAndAdminResetClearsCodes() throws {
        let (t, account) = try setUp()
        let (setup, _) = try enable(t, account)
        clock.advance(30)
        #expect(try t.auth.twoFactor.disableTwoFactor(account: account, password: "wrong-pass", code: currentCode(setup)).failureValue
            == .wrongCode)
        #expect(try t.auth.twoFactor.disableTwoFactor(account: account, password: "password1", code: currentCode(setup)).failureValue
            == nil)
        #expect(try !t.auth.twoFactor.hasTwoFactor(accountID: account.id))
        _ = try enable(t, account)
        #expect(try t.auth.twoFactor.resetTwoFactor(accountID: account.id))
        #expect(try t.auth.twoFactor.recoveryCodesLeft(accountID: account.id) == 0)
        #expect(try token(t, "password1").failureValue == nil)
    }

    /// Ann's recovery code at Bob's code step is refused and stays Ann's to use.
    @Test func anotherAccountsRecoveryCodeIsRefused() throws {
        let (t, ann) = try setUp()
        let (_, annCodes) = try enable(t, ann)
        let bob = try t.auth.accounts.addAccount(email: "bob@example.com", displayName: nil, password: "password2", confirmed: true)
        let bobSetup = try #require(try t.auth.twoFactor.startTwoFactorSetup(account: bob))
        _ = try t.auth.twoFactor.confirmTwoFactorSetup(account: bob, keepSession: nil, password: "password2", code: currentCode(bobSetup)).get()
        guard case .failure(.secondFactorNeeded(let pending)) = try t.auth.sessions.signIn(email: "bob@example.com", password: "password2")
        else { Issue.record("expected a code step"); return }
        #expect(Self.isWrongCode(try t.auth.sessions.completeSignIn(pending: pending.value, code: annCodes[0])))
        #expect(try t.auth.twoFactor.recoveryCodesLeft(accountID: ann.id) == 10)
        #expect(try t.auth.twoFactor.recoveryCodesLeft(accountID: bob.id) == 10)
        #expect(try t.auth.twoFactor.checkSecondFactor(accountID: ann.id, code: annCodes[0]))
    }

    /// The code typed to turn two-factor on is used up: replayed on the sign-in code page
    /// within its step (someone who watched it typed), it is refused.
    @Test func theSetUpCodeIsNotAcceptedAgainAsASignInCode() throws {
        let (t, account) = try setUp()
        let setup = try #require(try t.auth.twoFactor.startTwoFactorSetup(account: account))
        let code = currentCode(setup)
        _ = try t.auth.twoFactor.confirmTwoFactorSetup(account: account, keepSession: nil, password: "password1", code: code).get()
        guard case .failure(.secondFactorNeeded(let pending)) = try t.auth.sessions.signIn(email: "two@example.com", password: "password1")
        else { Issue.record("expected a code step"); return }
        #expect(Self.isWrongCode(try t.auth.sessions.completeSignIn(pending: pending.value, code: code)))
        #expect(try !t.auth.twoFactor.checkSecondFactor(accountID: account.id, code: code))
    }

    /// Wrong passwords from another address block the account after this browser passed
    /// the password step: the right code then does not finish the sign-in.
    @Test func aBlockThatBeginsAfterThePasswordStepHoldsAtTheCodeStep() throws {
        let (t, account) = try setUp()
        let (setup, _) = try enable(t, account)
        clock.advance(60)
        let office = Client(address: "192.0.2.10", userAgent: "Firefox")
        let attacker = Client(address: "192.0.2.66", userAgent: "curl/8")
        guard case .failure(.secondFactorNeeded(let pending)) = try t.auth.sessions.signIn(
            email: "two@example.com", password: "password1", client: office)
        else { Issue.record("expected a code step"); return }
        for _ in 0..<10 {
            _ = try t.auth.sessions.signIn(email: "two@example.com", password: "wrong-password", client: attacker)
        }
        #expect(try t.auth.sessions.signIn(email: "two@example.com", password: "password1", client: office).failureValue == .blocked)
        #expect(try t.auth.sessions.completeSignIn(pending: pending.value, code: currentCode(setup), client: office).failureValue
            == .blocked)
    }

    /// An account deactivated by an admin between the password and the code step gets no
    /// session from the right code: the half-done sign-in is over.
    @Test func anAccountDeactivatedBetweenTheStepsDoesNotSignIn() throws {
        let (t, account) = try setUp()
        let (setup, _) = try enable(t, account)
        clock.advance(60)
        guard case .failure(.secondFactorNeeded(let pending)) = try t.auth.sessions.signIn(email: "two@example.com", password: "password1")
        else { Issue.record("expected a code step"); return }
        #expect(try t.auth.accounts.setActive(accountID: account.id, false))
        #expect(try t.auth.sessions.completeSignIn(pending: pending.value, code: currentCode(setup)).failureValue == .expired)
        #expect(try t.auth.activity.list(accountID: account.id).filter { $0.entry.kind == .signIn }.isEmpty)
    }

    /// The code page waits five minutes after the password, not a second more.
    @Test func aHalfDoneSignInLastsFiveMinutes() throws {
        let (t, account) = try setUp()
        let (setup, _) = try enable(t, account)
        clock.advance(60)
        guard case .failure(.secondFactorNeeded(let early)) = try t.auth.sessions.signIn(email: "two@example.com", password: "password1")
        else { Issue.record("expected a code step"); return }
        clock.advance(299)
        #expect(try t.auth.sessions.completeSignIn(pending: early.value, code: currentCode(setup)).failureValue == nil)
        guard case .failure(.secondFactorNeeded(let late)) = try t.auth.sessions.signIn(email: "two@example.com", password: "password1")
        else { Issue.record("expected a code step"); return }
        clock.advance(300)
        #expect(try t.auth.sessions.completeSignIn(pending: late.value, code: currentCode(setup)).failureValue == .expired)
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
