@_spi(Testing) import AuthTokenCore
import AuthTokenSQLite
import AuthTokenStore
import AuthTokenTestKit
import Foundation
import Synchronization
import Testing

/// Failure counting and blocking, with a hand-moved clock and the default rule
/// (10 failures within 600 s block for 600 s).
@Suite struct ThrottleTests {
    let clock = TestClock()
    let t: TestStore
    let ann: Account
    let attacker = Client(address: "192.0.2.66", userAgent: "curl/8")
    let office = Client(address: "192.0.2.10", userAgent: "Firefox")

    init() throws {
        let clock = self.clock
        t = try TestStore(now: { clock.now })
        ann = try t.auth.accounts.addAccount(email: "ann@example.com", displayName: nil, password: "password1", confirmed: true)
        _ = try t.auth.accounts.addAccount(email: "bob@example.com", displayName: nil, password: "password2", confirmed: true)
    }

    /// The refusal, or nil for an issued token.
    func create(_ email: String, _ password: String, _ client: Client) throws -> TokenRefusal? {
        try Self.refusal(t.auth.tokens.createToken(
            TokenRequest(email: email, password: password, scope: "ZohoCRM/crmapi", displayName: nil), client: client))
    }

    /// The refusal, or nil for a session.
    func signIn(_ password: String, _ client: Client) throws -> SignInRefusal? {
        try Self.refusal(t.auth.sessions.signIn(email: "ann@example.com", password: password, client: client))
    }

    /// Attempts still being checked fill the limit like failures: with a limit of 3, a
    /// fourth attempt that starts while three are being checked is refused, and its check
    /// (a password hash) never runs. Nested calls stand in for parallel requests.
    @Test func attemptsBeingCheckedFillTheLimit() throws {
        let strict = try TestStore(throttle: ThrottleRule(maxFailures: 3), now: { [clock] in clock.now })
        var checks = 0
        var outcomes: [Throttle.Outcome] = []
        func attempt(_ depth: Int) throws {
            let outcome = try strict.auth.throttle.attempt(accountID: 7, client: office) {
                checks += 1
                if depth < 4 { try attempt(depth + 1) }
                return true
            }
            outcomes.append(outcome)
        }
        try attempt(1)
        #expect(checks == 3)
        #expect(outcomes == [.blocked, .passed, .passed, .passed])
        // Nothing failed, so nothing is blocked afterwards.
        try attempt(4)
        #expect(outcomes.last == .passed)
    }

    /// A check that throws (a full password queue, a store error) gives its attempt back: a
    /// flood of such errors never fills the owner's limit.
    @Test func aCheckThatThrowsIsNotCounted() throws {
        struct StoreDown: Error {}
        let strict = try TestStore(throttle: ThrottleRule(maxFailures: 3), now: { [clock] in clock.now })
        for _ in 0..<6 {
            #expect(throws: StoreDown.self) {
                try strict.auth.throttle.attempt(accountID: 7, client: office) { throw StoreDown() }
            }
        }
        #expect(try strict.auth.throttle.attempt(accountID: 7, client: office) { false } == .failed)
        #expect(try strict.auth.throttle.attempt(accountID: 7, client: office) { true } == .passed)
    }

    static func refusal<S, F>(_ result: Result<S, F>) -> F? {
        if case .failure(let f) = result { return f }
        return nil
    }

    func fail(_ times: Int, _ email: String = "ann@example.com", from client: Client) throws {
        for _ in 0..<times { _ = try create(email, "wrong", client) }
    }

    @Test func tenFailuresBlockEvenTheRightPasswordUntilTheBlockEnds() throws {
        try fail(9, from: attacker)
        #expect(try create("ann@example.com", "wrong", attacker) == .some(.invalidPassword))  // the 10th
        #expect(try create("ann@example.com", "password1", attacker) == .some(.blocked))
        clock.advance(599)
        #expect(try create("ann@example.com", "password1", attacker) == .some(.blocked))
        clock.advance(1)
        #expect(try create("ann@example.com", "password1", attacker) == nil)
        // Both blocks are logged, as are the failures, with the client but not the password.
        let entries = try t.auth.activity.list(accountID: ann.id, limit: 100).map(\.entry)
        #expect(entries.filter { $0.kind == .blocked }.map(\.detail).sorted().map { $0.prefix(7) } == ["account", "client "])
        // The refusals while blocked are not logged one by one: the block has its entry.
        #expect(entries.filter { $0.kind == .signInFailed }.count == 10)
        #expect(entries.prefix(2).map(\.kind) == [.tokenCreated, .signIn])
        #expect(entries.allSatisfy { $0.address == attacker.address && $0.userAgent == "curl/8" })
        #expect(entries.allSatisfy { !$0.detail.contains("password1") })
    }

    @Test func failuresOutsideTheWindowStartOver() throws {
        try fail(9, from: attacker)
        clock.advance(600)
        try fail(9, from: attacker)
        #expect(try create("ann@example.com", "password1", attacker) == nil)
    }

    @Test func theBlockedAnswerHashesNothing() throws {
        try fail(10, from: attacker)
        let before = t.auth.hasher.hashCount
        #expect(try create("ann@example.com", "password1", attacker) == .some(.blocked))
        #expect(try create("nobody@example.com", "password1", attacker) == .some(.blocked))
        #expect(try signIn("password1", attacker) == .some(.blocked))
        #expect(t.auth.hasher.hashCount == before)
    }

    @Test func aSuccessTakesBackOnlyItsOwnAttempt() throws {
        try fail(9, from: office)
        #expect(try create("ann@example.com", "password1", office) == nil)
        // The nine failures still count: one more, from anywhere, blocks Ann.
        try fail(1, from: attacker)
        #expect(try create("ann@example.com", "password1", Client(address: "192.0.2.99", userAgent: nil)) == .some(.blocked))
        // Successes alone never add up to a block.
        for _ in 0..<25 {
            #expect(try t.auth.sessions.signIn(email: "bob@example.com", password: "password2", client: office).failureValue == nil)
        }
    }

    @Test func aSuccessNeverLiftsABlock() throws {
        // Ann's right password is being checked when a block on her account begins.
        var started = false
        let outcome = try t.auth.throttle.attempt(accountID: ann.id, client: office) {
            started = try t.store.startBlock(key: "account:\(ann.id)", until: clock.now + 600, now: clock.now)
            return true
        }
        #expect(started)
        #expect(outcome == .passed)
        #expect(try create("ann@example.com", "password1", office) == .some(.blocked))
    }

    @Test func fortyParallelGuessesCheckAtMostTenPasswords() throws {
        let before = t.auth.hasher.hashCount
        let answers = Mutex<[TokenRefusal?]>([])
        DispatchQueue.concurrentPerform(iterations: 40) { i in
            let refusal = try? create("ann@example.com", "wrong-\(i)", Client(address: "192.0.2.\(i % 5)", userAgent: nil))
            answers.withLock { $0.append(refusal ?? nil) }
        }
        let all = answers.withLock { $0 }
        #expect(all.count == 40)
        #expect(t.auth.hasher.hashCount - before <= 10)
        #expect(all.filter { $0 == .invalidPassword }.count <= 10)
        #expect(all.allSatisfy { $0 == .invalidPassword || $0 == .blocked })
        #expect(try create("ann@example.com", "password1", office) == .some(.blocked))
        // One `blocked` entry per block, however many requests the block refused.
        let blocks = try t.auth.activity.list(accountID: ann.id, limit: 200).filter { $0.entry.kind == .blocked }
        #expect(blocks.count == 1)
    }

    @Test func ipv6ClientsCountBySlash64() throws {
        for i in 1...10 { try fail(1, "nobody@example.com", from: Client(address: "2001:db8:1:2::\(i)", userAgent: nil)) }
        #expect(try create("bob@example.com", "password2", Client(address: "2001:db8:1:2:ffff::1", userAgent: nil)) == .some(.blocked))
        #expect(try create("bob@example.com", "password2", Client(address: "2001:db8:1:3::1", userAgent: nil)) == nil)
        #expect(ThrottleAddress.key("2001:DB8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64")
        #expect(ThrottleAddress.key("::ffff:192.0.2.7") == "192.0.2.7")
        #expect(ThrottleAddress.key("192.0.2.7") == "192.0.2.7")
        #expect(try t.auth.throttle.unblock(address: "2001:db8:1:2::77"))
    }

    @Test func oneAddressIsBlockedAcrossAccountsAndUnknownEmailsCount() throws {
        try fail(5, "nobody@example.com", from: attacker)
        try fail(3, "ann@example.com", from: attacker)
        try fail(2, "bob@example.com", from: attacker)
        #expect(try create("bob@example.com", "password2", attacker) == .some(.blocked))
        // Only the address is blocked: Bob from elsewhere is fine.
        #expect(try create("bob@example.com", "password2", office) == nil)
    }

    @Test func oneAccountIsBlockedAcrossAddresses() throws {
        for i in 0..<10 { try fail(1, from: Client(address: "198.51.100.\(i)", userAgent: nil)) }
        #expect(try create("ann@example.com", "password1", office) == .some(.blocked))
        #expect(try signIn("password1", office) == .some(.blocked))
        #expect(try t.auth.throttle.unblock(accountID: ann.id))
        #expect(try create("ann@example.com", "password1", office) == nil)
    }

    /// Issue 20, item 13: ten wrong passwords from ten addresses, some shaped like
    /// application passwords, block Ann's main password everywhere but not her script's
    /// application password, which is counted on a budget of its own; the per-address limit
    /// still holds for it, and the admin's unblock lifts both account counters.
    @Test func outsidersCannotBlockTheOwnersApplicationPassword() throws {
        let app = try t.auth.appPasswords.createAppPassword(account: ann, name: "cron", currentPassword: "password1", client: office).get()
        for i in 0..<10 {
            let guess = i % 2 == 0 ? "wrong-\(i)" : "abcd efgh ij\(i)\(i)"
            #expect(try create("ann@example.com", guess, Client(address: "198.51.100.\(i)", userAgent: nil)) == .invalidPassword)
        }
        #expect(try create("ann@example.com", "password1", office) == .some(.blocked))
        #expect(try create("ann@example.com", "abcd efgh ij99", office) == .some(.blocked))  // a guess of that shape too
        let before = t.auth.hasher.hashCount
        #expect(try create("ann@example.com", app.password, office) == nil)
        #expect(t.auth.hasher.hashCount == before + 1)
        #expect(try t.auth.tokens.list(accountID: ann.id).last?.appPasswordID == app.record.id)
        // The address limit applies to everyone: a client that failed ten times (here at
        // unknown addresses) gets nothing, whichever password it sends.
        try fail(10, "nobody@example.com", from: attacker)
        #expect(try create("ann@example.com", app.password, attacker) == .some(.blocked))
        // The application-password counter blocks on its own failures, at the same limit.
        for _ in 0..<10 {
            _ = try t.auth.throttle.attempt(accountID: ann.id, client: .unknown, appPassword: true) { false }
        }
        #expect(try create("ann@example.com", app.password, office) == .some(.blocked))
        #expect(try t.auth.throttle.unblock(accountID: ann.id))
        #expect(try create("ann@example.com", app.password, office) == nil)
        #expect(try create("ann@example.com", "password1", office) == nil)
    }

    @Test func theSignInFormCountsAndBlocksToo() throws {
        for _ in 0..<10 { _ = try signIn("nope", attacker) }
        #expect(try signIn("password1", attacker) == .some(.blocked))
        #expect(try t.auth.throttle.unblock(address: attacker.address))
        // Still blocked: the account was counted as well.
        #expect(try signIn("password1", attacker) == .some(.blocked))
        #expect(try t.auth.throttle.unblock(accountID: ann.id))
        #expect(try signIn("password1", attacker) == nil)
    }

    @Test func countersSurviveARestart() throws {
        try fail(10, from: attacker)
        let store = try SQLiteStore(path: t.directory.appendingPathComponent("test.sqlite").path)
        let reopened = AuthService(store: store, settings: t.auth.settings, now: { [clock] in clock.now })
        #expect(Self.refusal(try reopened.tokens.createToken(
            TokenRequest(email: "ann@example.com", password: "password1", scope: "ZohoCRM/crmapi", displayName: nil),
            client: office)) == .blocked)
    }

    @Test func wrongTwoFactorCodesCountAndBlock() throws {
        let setup = try #require(try t.auth.twoFactor.startTwoFactorSetup(account: ann))
        let code = TOTP.code(secret: Base32.decode(setup.secret)!, step: TOTP.step(at: clock.now))
        _ = try t.auth.twoFactor.confirmTwoFactorSetup(account: ann, keepSession: nil, password: "password1", code: code).get()
        clock.advance(60)
        // From ten addresses: the account is counted even though each password was right.
        for i in 0..<10 {
            let attacker = Client(address: "203.0.113.\(i)", userAgent: nil)
            guard case .secondFactorNeeded(let pending) = try signIn("password1", attacker) else {
                Issue.record("no code step")
                return
            }
            let answer = try t.auth.sessions.completeSignIn(pending: pending.value, code: "000000", client: attacker)
            guard case .wrongCodeTryAgain = Self.refusal(answer) else { Issue.record("\(answer)"); return }
        }
        #expect(try signIn("password1", office) == .some(.blocked))
    }

    /// Every other form that checks a password or a code counts against the account, not
    /// only the client address: ten wrong tries from ten addresses block the account, and
    /// the right answer from an address that never failed is then refused. The forms:
    /// the current password for an application password and for a new password, turning
    /// two-factor on and off, and the code on a two-factor account's reset page.
    @Test func everyPasswordAndCodeFormCountsAgainstTheAccount() throws {
        var round = 0
        func tenWrong(_ attempt: (Client) throws -> Void) throws {
            round += 1
            for i in 0..<10 { try attempt(Client(address: "203.0.\(round).\(i)", userAgent: nil)) }
        }
        guard case .success(let (_, session)) = try t.auth.sessions.signIn(email: "ann@example.com", password: "password1")
        else { Issue.record("no session"); return }

        try tenWrong { _ = try t.auth.appPasswords.createAppPassword(account: ann, name: "phone", currentPassword: "wrong", client: $0) }
        #expect(Self.refusal(try t.auth.appPasswords.createAppPassword(
            account: ann, name: "phone", currentPassword: "password1", client: office)) == .blocked)
        #expect(try t.auth.throttle.unblock(accountID: ann.id))

        try tenWrong { _ = try t.auth.accounts.changePassword(session: session, current: "wrong", new: "new-password1", client: $0) }
        #expect(Self.refusal(try t.auth.accounts.changePassword(
            session: session, current: "password1", new: "new-password1", client: office)) == .blocked)
        #expect(try t.auth.throttle.unblock(accountID: ann.id))

        let setup = try #require(try t.auth.twoFactor.startTwoFactorSetup(account: ann))
        let secret = try #require(Base32.decode(setup.secret))
        func code() -> String { TOTP.code(secret: secret, step: TOTP.step(at: clock.now)) }
        try tenWrong {
            _ = try t.auth.twoFactor.confirmTwoFactorSetup(account: ann, keepSession: nil, password: "password1", code: "000000", client: $0)
        }
        #expect(Self.refusal(try t.auth.twoFactor.confirmTwoFactorSetup(
            account: ann, keepSession: nil, password: "password1", code: code(), client: office)) == .blocked)
        #expect(try t.auth.throttle.unblock(accountID: ann.id))
        _ = try t.auth.twoFactor.confirmTwoFactorSetup(account: ann, keepSession: nil, password: "password1", code: code()).get()
        clock.advance(60)

        try tenWrong { _ = try t.auth.twoFactor.disableTwoFactor(account: ann, password: "password1", code: "000000", client: $0) }
        #expect(Self.refusal(try t.auth.twoFactor.disableTwoFactor(account: ann, password: "password1", code: code(), client: office))
            == .blocked)
        #expect(try t.auth.throttle.unblock(accountID: ann.id))

        guard case .mail(_, let link) = try t.auth.accounts.requestPasswordReset(email: "ann@example.com", client: office) else {
            Issue.record("no reset link"); return
        }
        try tenWrong { _ = try t.auth.accounts.resetPassword(secret: link.value, new: "new-password1", code: "000000", client: $0) }
        #expect(Self.refusal(try t.auth.accounts.resetPassword(secret: link.value, new: "new-password1", code: code(), client: office))
            == .blocked)
        // Nothing changed on the way: the password and two-factor are as they were.
        #expect(try t.auth.accounts.existingAccount(email: "ann@example.com").passwordHash == ann.passwordHash)
        #expect(try t.auth.twoFactor.hasTwoFactor(accountID: ann.id))
    }
}
