import AuthTokenCore
import AuthTokenStore
import AuthTokenTestKit
import Foundation
import Synchronization
import Testing

/// A hand-moved clock for the core's `now`.
final class ManualClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_795_000_000))
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 += seconds } }
}

@Suite struct SessionServiceTests {
    let clock = ManualClock()
    let t: TestStore

    init() throws {
        let clock = self.clock
        t = try TestStore(sessions: SessionSettings(idleTimeout: 600, absoluteTimeout: 3600), now: { clock.now })
        _ = try t.auth.accounts.addAccount(email: "ann@example.com", displayName: "Ann", password: "password1", confirmed: true)
    }

    func signIn() throws -> RandomSecret {
        try t.auth.sessions.signIn(email: "ann@example.com", password: "password1").get().0
    }

    @Test func lifeCycle() throws {
        let secret = try signIn()
        #expect(RandomSecret.isWellFormed(secret.value))
        #expect(try t.auth.sessions.session(secret: secret.value)?.account.email == "ann@example.com")
        #expect(try t.store.session(digest: secret.digest) != nil)
        try t.auth.sessions.signOut(secret: secret.value)
        #expect(try t.auth.sessions.session(secret: secret.value) == nil)
        #expect(try t.store.session(digest: secret.digest) == nil)
    }

    @Test func idleTimeoutCountsFromTheLastUse() throws {
        let secret = try signIn()
        clock.advance(599)
        #expect(try t.auth.sessions.session(secret: secret.value) != nil)
        clock.advance(599)
        #expect(try t.auth.sessions.session(secret: secret.value) != nil)
        clock.advance(600)
        #expect(try t.auth.sessions.session(secret: secret.value) == nil)
        #expect(try t.store.session(digest: secret.digest) == nil)  // deleted when seen expired
    }

    @Test func absoluteTimeoutCountsFromSignIn() throws {
        let secret = try signIn()
        for _ in 0..<5 {
            clock.advance(590)
            #expect(try t.auth.sessions.session(secret: secret.value) != nil)
        }
        clock.advance(660)  // 3610 s after sign-in
        #expect(try t.auth.sessions.session(secret: secret.value) == nil)
    }

    @Test func signInClearsExpiredSessionsOfEveryone() throws {
        let old = try signIn()
        clock.advance(601)
        _ = try signIn()
        #expect(try t.store.session(digest: old.digest) == nil)
    }

    func refusal(_ email: String, _ password: String) throws -> SignInRefusal? {
        if case .failure(let why) = try t.auth.sessions.signIn(email: email, password: password) { return why }
        return nil
    }

    @Test func refusals() throws {
        _ = try t.auth.accounts.addAccount(email: "new@example.com", displayName: nil, password: "password1", confirmed: false)
        let off = try t.auth.accounts.addAccount(email: "off@example.com", displayName: nil, password: "password1", confirmed: true)
        try t.store.setActive(accountID: off.id, false)
        #expect(try refusal("", "password1") == .missingCredentials)
        #expect(try refusal("nobody@example.com", "password1") == .wrongCredentials)
        #expect(try refusal("ann@example.com", "password2") == .wrongCredentials)
        #expect(try refusal("off@example.com", "password2") == .wrongCredentials)
        #expect(try refusal("off@example.com", "password1") == .notActive)
        #expect(try refusal("new@example.com", "password1") == .notConfirmed)
        #expect(try refusal("ANN@example.com", "password1") == nil)
    }

    @Test func malformedCookieValuesAreNotLookedUp() throws {
        for value in ["", "x", String(repeating: "A", count: 64), String(repeating: "a", count: 63)] {
            #expect(try t.auth.sessions.session(secret: value) == nil)
        }
    }

    func link(_ registration: Registration) throws -> RandomSecret {
        guard case .confirmationLink(let secret, _) = registration else { throw Refused() }
        return secret
    }

    struct Refused: Error {}

    @Test func confirmationLinkIsSingleUseAndExpires() throws {
        let first = try link(t.auth.accounts.register(email: "eve@example.com", displayName: nil, password: "password1"))
        #expect(try t.store.account(email: "eve@example.com")?.confirmed == false)
        #expect(try t.auth.accounts.confirm(secret: first.value))
        #expect(try t.store.account(email: "eve@example.com")?.confirmed == true)
        #expect(try !t.auth.accounts.confirm(secret: first.value))
        let late = try link(t.auth.accounts.register(email: "max@example.com", displayName: nil, password: "password1"))
        clock.advance(24 * 3600)
        #expect(try !t.auth.accounts.confirm(secret: late.value))
        #expect(try t.store.account(email: "max@example.com")?.confirmed == false)
    }

    /// An unconfirmed registration is removed by the sweep after a week (the default), so
    /// an address someone else registered and never confirmed is free again.
    @Test func unconfirmedRegistrationsExpire() throws {
        _ = try link(t.auth.accounts.register(email: "idle@example.com", displayName: nil, password: "password1"))
        clock.advance(6 * 24 * 3600)
        #expect(try t.auth.housekeeping.sweep().unconfirmedAccounts == 0)
        clock.advance(2 * 24 * 3600)
        #expect(try t.auth.housekeeping.sweep().unconfirmedAccounts == 1)
        #expect(try t.store.account(email: "idle@example.com") == nil)
        #expect(try t.store.account(email: "ann@example.com") != nil)  // confirmed accounts stay
    }

    /// A registration does not scan the account table for expired registrations (the sweep
    /// does, issue 20 item 14): another address's expired one stays until the sweep. And an
    /// expired registration the sweep has not reached yet does not block the address: a new
    /// registration takes it over, and only the new link confirms it.
    @Test func registeringLeavesTheSweepToTheSweeper() throws {
        let old = try link(t.auth.accounts.register(email: "idle@example.com", displayName: nil, password: "password1"))
        _ = try link(t.auth.accounts.register(email: "other@example.com", displayName: nil, password: "password1"))
        clock.advance(8 * 24 * 3600)
        _ = try link(t.auth.accounts.register(email: "next@example.com", displayName: nil, password: "password1"))
        #expect(try t.store.account(email: "other@example.com")?.confirmed == false)  // not swept by a registration

        let new = try link(t.auth.accounts.register(email: "idle@example.com", displayName: "Idle", password: "password2"))
        #expect(try !t.auth.accounts.confirm(secret: old.value))
        #expect(try t.auth.accounts.confirm(secret: new.value))
        let idle = try t.store.account(email: "idle@example.com")
        #expect(idle?.confirmed == true && idle?.displayName == "Idle")
        #expect(try t.auth.sessions.signIn(email: "idle@example.com", password: "password2").get().0.value.isEmpty == false)
    }

    /// The server's sweep, with the clock moved by hand: sessions past their time, links and
    /// year-old activity go; what is still live stays.
    @Test func theSweepRemovesWhatHasRunOut() throws {
        let ann = try t.auth.accounts.existingAccount(email: "ann@example.com")
        guard case .success(let (live, _)) = try t.auth.sessions.signIn(email: "ann@example.com", password: "password1") else {
            Issue.record("no sign-in"); return
        }
        guard case .mail = try t.auth.accounts.requestPasswordReset(email: "ann@example.com", client: .unknown) else {
            Issue.record("no reset link"); return
        }
        clock.advance(2 * 3600)  // the reset link (1 h) is over; the session (30 min idle) too
        var counts = try t.auth.housekeeping.sweep()
        #expect(counts.passwordResets == 1 && counts.sessions == 1)
        #expect(try t.auth.sessions.session(secret: live.value) == nil)
        #expect(try !t.auth.activity.list(accountID: ann.id).isEmpty)
        clock.advance(366 * 86400)
        counts = try t.auth.housekeeping.sweep()
        #expect(counts.activity >= 2)
        #expect(try t.auth.activity.list(accountID: ann.id).isEmpty)
        #expect(try t.auth.housekeeping.sweep().total == 0)
    }

    /// The sweep applies each limit to its own time: a busy session outlives the idle timeout
    /// (10 min here) counted from its creation, an idle one does not, and no session outlives
    /// the absolute timeout (1 h) however busy.
    @Test func theSweepKeepsBusySessionsAndEndsIdleOnes() throws {
        let busy = try signIn()
        let idle = try signIn()
        for _ in 0..<3 {
            clock.advance(300)
            #expect(try t.auth.sessions.session(secret: busy.value) != nil)
        }
        // 15 minutes after both began: the busy one was seen 0 s ago, the idle one 15 min ago.
        #expect(try t.auth.housekeeping.sweep().sessions == 1)
        #expect(try t.store.session(digest: busy.digest) != nil)
        #expect(try t.store.session(digest: idle.digest) == nil)
        for _ in 0..<8 {
            clock.advance(300)
            #expect(try t.auth.sessions.session(secret: busy.value) != nil)
        }
        // Seen 5 minutes ago, but begun over an hour ago: the absolute limit ends it.
        clock.advance(302)
        #expect(try t.auth.housekeeping.sweep().sessions == 1)
        #expect(try t.store.session(digest: busy.digest) == nil)
    }

    /// Registration takeover, step by step, in both orders: each registration's link
    /// confirms that registration's password (and name); the other link then ends; the
    /// account keeps its first spelling.
    @Test(arguments: [false, true])
    func eachRegistrationsLinkConfirmsItsOwnPassword(ownerFirst: Bool) throws {
        func registration(_ who: String) throws -> RandomSecret {
            try link(t.auth.accounts.register(email: who == "owner" ? "Victim@Example.com" : "victim@example.com",
                                     displayName: who, password: who + "-pw1"))
        }
        let order = ownerFirst ? ["owner", "outsider"] : ["outsider", "owner"]
        let first = try registration(order[0]), second = try registration(order[1])
        let owners = ownerFirst ? first : second, outsiders = ownerFirst ? second : first
        #expect(try refusal("victim@example.com", "owner-pw1") == .wrongCredentials)  // no password before a link
        #expect(try t.auth.accounts.confirm(secret: owners.value))
        #expect(try !t.auth.accounts.confirm(secret: outsiders.value))
        let account = try #require(try t.store.account(email: "victim@example.com"))
        #expect(account.displayName == "owner")
        #expect(account.email == (ownerFirst ? "Victim@example.com" : "victim@example.com"))
        #expect(try refusal("victim@example.com", "outsider-pw1") == .wrongCredentials)
        #expect(try refusal("victim@example.com", "owner-pw1") == nil)
        // Confirmed now: registering it again changes nothing and makes no link.
        guard case .alreadyRegistered(let address) = try t.auth.accounts.register(
            email: "victim@example.com", displayName: nil, password: "outsider-pw2")
        else { Issue.record("a confirmed address was registered again"); return }
        #expect(address.value == "victim@example.com")
        #expect(try refusal("victim@example.com", "owner-pw1") == nil)
        #expect(try refusal("victim@example.com", "outsider-pw2") == .wrongCredentials)
    }

    /// An administrator's account is never open to registration, confirmed or not; and an
    /// administrator confirming a registration that waits for its link opens it to no
    /// registrant's password.
    @Test func registrationNeverGivesAnAccountItsPassword() throws {
        _ = try t.auth.accounts.addAccount(email: "made@example.com", displayName: nil, password: "admin-pw1", confirmed: false)
        guard case .alreadyRegistered = try t.auth.accounts.register(email: "made@example.com", displayName: nil, password: "outsider-pw1")
        else { Issue.record("an administrator's account took a registration"); return }
        let made = try t.auth.accounts.existingAccount(email: "made@example.com")
        #expect(try t.auth.accounts.setConfirmed(accountID: made.id, true))
        #expect(try refusal("made@example.com", "outsider-pw1") == .wrongCredentials)
        #expect(try refusal("made@example.com", "admin-pw1") == nil)

        _ = try link(t.auth.accounts.register(email: "self@example.com", displayName: nil, password: "outsider-pw1"))
        let pending = try t.auth.accounts.existingAccount(email: "self@example.com")
        #expect(try t.auth.accounts.setConfirmed(accountID: pending.id, true))
        #expect(try refusal("self@example.com", "outsider-pw1") == .wrongCredentials)
    }

    /// /forgot (issue 20, 14b): one client address cannot use up a recipient's reset mails,
    /// and a browser that signed in to the account (its device cookie) always has its own.
    @Test func anOutsiderCannotStopTheOwnersResetMails() throws {
        func mails(_ address: String, _ times: Int, device: String? = nil) throws -> Int {
            try (0..<times).filter { _ in
                if case .mail = try t.auth.accounts.requestPasswordReset(
                    email: "ann@example.com", client: Client(address: address, userAgent: nil), deviceCookie: device)
                { return true }
                return false
            }.count
        }
        #expect(try mails("192.0.2.1", 30) == 5)
        #expect(try mails("192.0.2.2", 1) == 1)  // the outsider's 25 refused requests took nothing from ann
        #expect(try mails("192.0.2.3", 30) == 4)  // ann's 10 an hour are used up now
        #expect(try mails("192.0.2.4", 1) == 0)
        let ann = try t.auth.accounts.existingAccount(email: "ann@example.com")
        let cookie = try #require(t.auth.deviceCookies?.make(accountID: ann.id))
        #expect(try mails("192.0.2.1", 6, device: cookie) == 5)  // the known browser, from a refused address
        clock.advance(3600)
        #expect(try mails("192.0.2.4", 1) == 1)
    }

    @Test func regenerateAndRemoveTouchOnlyTheOwnersTokens() throws {
        let ann = try t.auth.accounts.existingAccount(email: "ann@example.com")
        let bob = try t.auth.accounts.addAccount(email: "bob@example.com", displayName: nil, password: "password1", confirmed: true)
        let token = try t.auth.tokens.issueToken(accountID: ann.id, scopes: ["ZohoCRM/crmapi"], displayName: "a").get()
        #expect(try t.auth.tokens.regenerateToken(id: token.record.id, accountID: bob.id) == nil)
        #expect(try !t.auth.tokens.removeToken(id: token.record.id, accountID: bob.id, via: "test"))
        #expect(try t.store.token(digest: token.secret.digest) != nil)
        let renewed = try #require(try t.auth.tokens.regenerateToken(id: token.record.id, accountID: ann.id))
        #expect(renewed.record.id == token.record.id)
        #expect(try t.store.token(digest: token.secret.digest) == nil)
        #expect(try t.store.token(digest: renewed.secret.digest)?.id == token.record.id)
        #expect(try t.auth.tokens.removeToken(id: token.record.id, accountID: ann.id, via: "test"))
        #expect(try t.auth.activity.list(accountID: ann.id, limit: 1).first?.entry.detail
            == "test, token #\(token.record.id) \(renewed.secret.hint)")
        #expect(try t.store.tokens(accountID: ann.id).isEmpty)
    }
}
