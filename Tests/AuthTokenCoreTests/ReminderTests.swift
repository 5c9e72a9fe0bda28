@_spi(Testing) import AuthTokenCore
import AuthTokenStore
import AuthTokenTestKit
import Foundation
import Testing

/// Expiry reminders with the clock moved by hand.
@Suite struct ReminderTests {
    let clock = ManualClock()
    let day: TimeInterval = 86400
    let t: TestStore
    let ann: Int64
    let mail = Mailbox()

    init() throws {
        let clock = self.clock
        t = try TestStore(now: { clock.now })
        ann = try t.auth.accounts.addAccount(email: "ann@example.com", displayName: nil, password: "password1", confirmed: true).id
        let mail = self.mail
        t.auth.notices.deliver { notice in mail.notices.withLock { $0.append(notice) } }
    }

    func token(_ name: String, days: Int) throws -> IssuedToken {
        try t.auth.tokens.issueToken(accountID: ann, scopes: ["ZohoCRM/crmapi"], displayName: name, expiry: .days(days)).get()
    }

    func use(_ token: IssuedToken) throws {
        #expect(try t.auth.check.checkToken(token.secret.value, scope: "crmapi", from: "192.0.2.44") != .invalidToken)
        try t.auth.usage.flushAll()
    }

    func subjects() -> [String] {
        t.auth.notices.waitUntilSent()
        return mail.notices.withLock { $0.map(\.subject) }
    }

    @Test func sevenDaysAndOneDayBeforeOnceEachForTokensInUse() throws {
        let used = try token("nightly", days: 30)
        _ = try token("idle", days: 30)  // never used: no reminder
        let stale = try token("stale", days: 40)
        try use(stale)  // used on day 0 only: 33 days ago when its 7-day reminder would be due
        try use(used)
        clock.advance(23 * day - 1)
        #expect(try t.auth.housekeeping.sendReminders() == 0)
        clock.advance(1)
        try use(used)
        #expect(try t.auth.housekeeping.sendReminders() == 1)
        #expect(try t.auth.housekeeping.sendReminders() == 0)
        #expect(subjects() == ["authtoken: token “nightly” expires within 7 days"])
        clock.advance(6 * day - 1)
        #expect(try t.auth.housekeeping.sendReminders() == 0)
        clock.advance(1)
        #expect(try t.auth.housekeeping.sendReminders() == 1)
        clock.advance(3600)
        #expect(try t.auth.housekeeping.sendReminders() == 0)
        clock.advance(10 * day)  // "stale" is 7 days from expiry now, but unused for 33 days
        #expect(try t.auth.housekeeping.sendReminders() == 0)
        #expect(subjects() == ["authtoken: token “nightly” expires within 7 days", "authtoken: token “nightly” expires within a day"])
        let text = try #require(mail.notices.withLock { $0.last?.text })
        #expect(text.contains("(\(used.record.hint)) expires at ") && text.contains("from 192.0.2.44"))
        #expect(!text.contains(used.secret.value))
        #expect(mail.notices.withLock { $0.map(\.to) } == ["ann@example.com", "ann@example.com"])
    }

    @Test func aTokenFirstDueWithinADayGetsOnlyTheLastReminder() throws {
        let short = try token("short", days: 2)
        try use(short)
        clock.advance(day + 60)
        #expect(try t.auth.housekeeping.sendReminders() == 1)
        #expect(try t.auth.housekeeping.sendReminders() == 0)
        #expect(subjects() == ["authtoken: token “short” expires within a day"])
    }

    @Test func aNewValueStartsItsRemindersAfresh() throws {
        let weekly = try token("weekly", days: 7)
        try use(weekly)
        #expect(try t.auth.housekeeping.sendReminders() == 1)
        guard case .rotated = try t.auth.tokens.rotateToken(value: weekly.secret.value) else { Issue.record("not rotated"); return }
        #expect(try t.auth.housekeeping.sendReminders() == 1)  // the new value expires in 7 days again, and was used just now
        #expect(subjects().count == 2)
    }

    @Test func expiredTokensAndDeactivatedAccountsGetNone() throws {
        let gone = try token("gone", days: 3)
        try use(gone)
        try t.store.setActive(accountID: ann, false)
        #expect(try t.auth.housekeeping.sendReminders() == 0)
        try t.store.setActive(accountID: ann, true)
        clock.advance(3 * day)
        #expect(try t.auth.housekeeping.sendReminders() == 0)
        #expect(subjects().isEmpty)
    }
}
