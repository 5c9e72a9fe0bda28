@_spi(Testing) import AuthTokenCore
import AuthTokenStore
import AuthTokenTestKit
import Foundation
import Synchronization
import Testing

/// Notices the core handed over, in order.
final class Mailbox: Sendable {
    let notices = Mutex<[Notice]>([])
}

/// Rotation with reuse detection, with the clock moved by hand and notices collected.
@Suite struct RotationTests {
    let clock = ManualClock()
    let t: TestStore
    let ann: Int64
    let mail = Mailbox()
    let token: IssuedToken
    let day: TimeInterval = 86400

    init() throws {
        let clock = self.clock
        t = try TestStore(now: { clock.now })
        ann = try t.auth.accounts.addAccount(email: "ann@example.com", displayName: nil, password: "password1", confirmed: true).id
        let mail = self.mail
        t.auth.notices.deliver { notice in mail.notices.withLock { $0.append(notice) } }
        token = try t.auth.tokens.issueToken(
            accountID: ann, scopes: ["ZohoCRM/crmapi", "ZohoPC/docsapi"], displayName: "deploy", expiry: .days(90)).get()
    }

    func check(_ value: String) throws -> TokenCheck { try t.auth.check.checkToken(value, scope: "crmapi", from: "203.0.113.5") }

    func rotate(_ value: String) throws -> IssuedToken? {
        guard case .rotated(let issued, _) = try t.auth.tokens.rotateToken(value: value) else { return nil }
        return issued
    }

    func sentMail() -> [Notice] {
        t.auth.notices.waitUntilSent()
        return mail.notices.withLock { $0 }
    }

    @Test func aRotatedTokenKeepsNameScopesAndLifetimeAndTheOldValueWorksUntilTheGraceEnds() throws {
        clock.advance(10 * day)
        let new = try #require(try rotate(token.secret.value))
        #expect(new.record.id == token.record.id && new.record.displayName == "deploy")
        #expect(new.record.scopes == ["ZohoCRM/crmapi", "ZohoPC/docsapi"])
        #expect(new.record.expiresAt == clock.now.addingTimeInterval(90 * day))
        let stored = try #require(try t.auth.tokens.token(id: token.record.id, accountID: ann))
        #expect(stored.rotatedFrom == token.record.hint && stored.rotatedAt == clock.now)
        #expect(try t.store.tokens(accountID: ann).count == 1)  // the cap sees one token
        // The grace window's edges: the last second still works, its end does not.
        clock.advance(3600 - 1)
        #expect(try check(token.secret.value) != .invalidToken)
        #expect(try check(new.secret.value) != .invalidToken)
        #expect(sentMail().isEmpty)
        clock.advance(1)
        #expect(try check(token.secret.value) == .reused)
        // Reuse: the successor is revoked too, the owner gets an entry and one e-mail.
        #expect(try check(new.secret.value) == .invalidToken)
        #expect(try t.store.tokens(accountID: ann).isEmpty)
        let entry = try #require(try t.auth.activity.list(accountID: ann).first?.entry)
        #expect(entry.kind == .tokenReused && entry.address == "203.0.113.5")
        #expect(entry.detail.contains("token check: rotated-out value …\(token.secret.value.suffix(4))"))
        let notices = sentMail()
        #expect(notices.count == 1)
        #expect(notices.first?.to == "ann@example.com")
        #expect(notices.first?.subject == "authtoken: token “deploy” revoked after reuse of an old value")
        #expect(notices.first.map { !$0.text.contains(token.secret.value) && !$0.text.contains(new.secret.value) } == true)
        // Presenting it again finds nothing: no second alarm.
        #expect(try check(token.secret.value) == .invalidToken)
        #expect(sentMail().count == 1)
    }

    @Test func rotatingAnAlreadyRotatedValueIsTheSameAlarmEvenInsideTheWindow() throws {
        let new = try #require(try rotate(token.secret.value))
        clock.advance(60)
        #expect(try check(token.secret.value) != .invalidToken)
        guard case .reused = try t.auth.tokens.rotateToken(value: token.secret.value) else {
            Issue.record("a second rotation of the old value was not treated as reuse")
            return
        }
        #expect(try check(new.secret.value) == .invalidToken)
        #expect(try check(token.secret.value) == .invalidToken)
        #expect(try t.auth.activity.list(accountID: ann).first?.entry.detail.hasPrefix("/apiauthtoken/rotate: rotated-out value") == true)
        #expect(sentMail().count == 1)
    }

    @Test func aChainOfRotationsRemembersEveryOldValue() throws {
        let second = try #require(try rotate(token.secret.value))
        clock.advance(7200)
        let third = try #require(try rotate(second.secret.value))
        clock.advance(60)
        #expect(try check(second.secret.value) != .invalidToken)  // inside its own window
        #expect(try check(third.secret.value) != .invalidToken)
        #expect(try check(token.secret.value) == .reused)
        #expect(try check(third.secret.value) == .invalidToken)
    }

    /// Issue 20, item 1: rotate v1 to v2, then regenerate (or renew, the same call) to v3.
    /// v1 and v2 die at once, inside v1's window; after it, v1 is just dead: it neither
    /// raises the alarm nor revokes v3. Removing a token ends its rotated-out values too.
    @Test func regeneratingEndsEveryRotatedOutValueAndTheirAlarm() throws {
        let v2 = try #require(try rotate(token.secret.value))
        clock.advance(60)
        let v3 = try #require(try t.auth.tokens.regenerateToken(id: token.record.id, accountID: ann))
        for old in [token.secret.value, v2.secret.value] {
            #expect(try check(old) == .invalidToken)
            guard case .deadToken = try t.auth.tokens.inspectToken(value: old) else { Issue.record("\(old.suffix(4)) alive"); continue }
            guard case .deadToken = try t.auth.tokens.rotateToken(value: old) else { Issue.record("\(old.suffix(4)) rotated"); continue }
        }
        clock.advance(3600)
        #expect(try check(token.secret.value) == .invalidToken)
        guard case .deadToken = try t.auth.tokens.inspectToken(value: token.secret.value) else { Issue.record("alarm"); return }
        #expect(try check(v3.secret.value) == .allowed(
            try #require(try t.store.grant(digest: v3.secret.digest)), scope: "ZohoCRM/crmapi"))
        #expect(try t.auth.activity.list(accountID: ann).allSatisfy { $0.entry.kind != .tokenReused })
        #expect(sentMail().isEmpty)
        // Removing: a value rotated out of v3 dies with it.
        let v4 = try #require(try rotate(v3.secret.value))
        #expect(try t.auth.tokens.removeToken(id: token.record.id, accountID: ann, via: "test"))
        for old in [v3.secret.value, v4.secret.value] { #expect(try check(old) == .invalidToken) }
        #expect(sentMail().isEmpty)
    }

    @Test func deadValuesAreNotRotated() throws {
        for bad in [nil, "", "zz", TokenSecret.generate().value] {
            guard case .deadToken = try t.auth.tokens.rotateToken(value: bad) else { Issue.record("\(bad ?? "nil")"); continue }
        }
        clock.advance(90 * day)  // expired
        guard case .deadToken = try t.auth.tokens.rotateToken(value: token.secret.value) else { Issue.record("expired"); return }
        #expect(try t.store.tokens(accountID: ann).first?.digest == token.secret.digest)
        #expect(sentMail().isEmpty)
    }

    /// A deactivated account's token is dead to rotation as to the check: no new value, and
    /// the stored one stays, so activating the account again brings the token back.
    @Test func aDeactivatedAccountsTokenIsNotRotated() throws {
        try t.auth.accounts.setActive(accountID: ann, false)
        guard case .deadToken = try t.auth.tokens.rotateToken(value: token.secret.value) else { Issue.record("rotated"); return }
        #expect(try t.store.tokens(accountID: ann).map(\.digest) == [token.secret.digest])
        try t.auth.accounts.setActive(accountID: ann, true)
        #expect(try rotate(token.secret.value) != nil)
    }

    @Test func aZeroGraceKillsTheOldValueAtOnceAndThePolicyCapsTheNewValue() throws {
        let clock = self.clock
        var settings = t.auth.settings
        settings.rotationGrace = 0
        settings.maxTokenLifetimeDays = 30
        let strict = AuthService(store: t.store, settings: settings, now: { clock.now })
        guard case .rotated(let new, let until) = try strict.tokens.rotateToken(value: token.secret.value) else {
            Issue.record("not rotated")
            return
        }
        #expect(until == clock.now)
        #expect(new.record.expiresAt == clock.now.addingTimeInterval(30 * day))
        #expect(try strict.check.checkToken(token.secret.value, scope: "crmapi", from: "") == .reused)
    }

    @Test func selfInspectionSeesTheTokenAndRaisesTheSameAlarm() throws {
        guard case .token(let record, nil) = try t.auth.tokens.inspectToken(value: token.secret.value) else {
            Issue.record("not inspected")
            return
        }
        #expect(record.displayName == "deploy" && record.rotatedFrom == nil)
        let new = try #require(try rotate(token.secret.value))
        guard case .token(let same, let until?) = try t.auth.tokens.inspectToken(value: token.secret.value) else {
            Issue.record("old value not inspected in its window")
            return
        }
        #expect(same.id == new.record.id && until == clock.now.addingTimeInterval(3600))
        clock.advance(3600)
        guard case .reused = try t.auth.tokens.inspectToken(value: token.secret.value) else { Issue.record("no alarm"); return }
        guard case .deadToken = try t.auth.tokens.inspectToken(value: new.secret.value) else { Issue.record("alive"); return }
    }
}

/// Creation notices: on when configured, naming the token or application password and
/// where the request came from, never the secret.
@Suite struct CreationNoticeTests {
    @Test func tokensAndApplicationPasswordsAreAnnouncedToTheirOwner() throws {
        let t = try TestStore(creationNotices: true)
        let mail = Mailbox()
        t.auth.notices.deliver { notice in mail.notices.withLock { $0.append(notice) } }
        let ann = try t.auth.accounts.addAccount(email: "ann@example.com", displayName: nil, password: "password1", confirmed: true)
        let client = Client(address: "198.51.100.4", userAgent: "curl/8.5")
        let token = try t.auth.tokens.createToken(
            TokenRequest(email: "ann@example.com", password: "password1", scope: "ZohoCRM/crmapi", displayName: "sync",
                         expiresInDays: "30"), client: client).get()
        let app = try t.auth.appPasswords.createAppPassword(account: ann, name: "laptop", currentPassword: "password1", client: client).get()
        t.auth.notices.waitUntilSent()
        let sent = mail.notices.withLock { $0 }
        #expect(sent.map(\.to) == ["ann@example.com", "ann@example.com"])
        #expect(sent.map(\.subject) == ["authtoken: new token “sync”", "authtoken: new application password “laptop”"])
        #expect(sent[0].text.contains("(\(token.record.hint), scopes ZohoCRM/crmapi; it expires "))
        #expect(sent[0].text.contains("through API mode, from 198.51.100.4 (curl/8.5)."))
        #expect(!sent[0].text.contains(token.secret.value))
        #expect(!sent[1].text.contains(app.password) && !sent[1].text.contains(app.password.replacingOccurrences(of: " ", with: "")))
    }

    @Test func offMeansNoMail() throws {
        let t = try TestStore(creationNotices: false)
        let mail = Mailbox()
        t.auth.notices.deliver { notice in mail.notices.withLock { $0.append(notice) } }
        let ann = try t.auth.accounts.addAccount(email: "ann@example.com", displayName: nil, password: "password1", confirmed: true)
        _ = try t.auth.tokens.issueToken(accountID: ann.id, scopes: ["ZohoCRM/crmapi"], displayName: "x").get()
        _ = try t.auth.tokens.createToken(
            TokenRequest(email: "ann@example.com", password: "password1", scope: "ZohoCRM/crmapi", displayName: nil)).get()
        t.auth.notices.waitUntilSent()
        #expect(mail.notices.withLock { $0 }.isEmpty)
    }
}
