import AuthTokenCore
import AuthTokenStore
import AuthTokenTestKit
import Foundation
import GRDB
import Testing

/// The daily counts the usage recorder keeps beside the last use: uses per token per UTC
/// day, and the check's answers per day by reason, added to the store at every flush.
@Suite struct DailyUseTests {
    let clock = ManualClock()
    let day: TimeInterval = 86400

    @Test func usesAreCountedPerTokenAndUTCDayAcrossMidnight() throws {
        let t = try TestStore()
        let account = try t.auth.accounts.addAccount(email: "u@example.com", displayName: nil, password: "password1", confirmed: true)
        let first = try t.auth.tokens.issueToken(accountID: account.id, scopes: ["ZohoCRM/crmapi"], displayName: "a").get().record.id
        let second = try t.auth.tokens.issueToken(accountID: account.id, scopes: ["ZohoCRM/crmapi"], displayName: "b").get().record.id
        let recorder = UsageRecorder(store: t.store, intervalSeconds: 60)
        let midnight = UsageDay.start(20833)
        // 300 uses of the first token from 100 s before midnight to 200 s after, flushed
        // about once a second; the second token once, after midnight.
        for call in 0..<300 {
            let now = midnight.addingTimeInterval(Double(call - 100))
            recorder.record(tokenID: first, at: now, from: "10.0.0.1")
            if call == 250 { recorder.record(tokenID: second, at: now, from: "10.0.0.2") }
            try recorder.flushDue(now: now)
        }
        try recorder.flushAll()
        #expect(try t.store.tokenDays(accountID: account.id, tokenID: nil, since: 0) == [
            TokenDayCount(tokenID: first, day: 20832, count: 100), TokenDayCount(tokenID: first, day: 20833, count: 200),
            TokenDayCount(tokenID: second, day: 20833, count: 1),
        ])
        #expect(try t.store.checkDays(since: 0) == [
            CheckDayCount(day: 20832, outcome: .allowed, count: 100), CheckDayCount(day: 20833, outcome: .allowed, count: 201),
        ])
        // Every flush added its own counts: rows were written about once a second.
        #expect(recorder.dailyRowsWritten > 300)
    }

    @Test func theCheckCountsEachRefusalByReason() throws {
        let clock = self.clock
        let t = try TestStore(now: { clock.now })
        let ann = try t.auth.accounts.addAccount(email: "ann@example.com", displayName: nil, password: "password1", confirmed: true)
        let live = try t.auth.tokens.issueToken(accountID: ann.id, scopes: ["ZohoCRM/crmapi"], displayName: "live").get()
        let expiring = try t.auth.tokens.issueToken(accountID: ann.id, scopes: ["ZohoCRM/crmapi"], displayName: "e", expiry: .days(1)).get()
        let rotating = try t.auth.tokens.issueToken(accountID: ann.id, scopes: ["ZohoCRM/crmapi"], displayName: "r").get()
        guard case .rotated = try t.auth.tokens.rotateToken(value: rotating.secret.value) else {
            Issue.record("not rotated")
            return
        }
        clock.advance(day)
        func check(_ value: String?, _ scope: String? = "crmapi") throws -> TokenCheck {
            try t.auth.check.checkToken(value, scope: scope, from: "10.0.0.1")
        }
        #expect(try check(live.secret.value) != .invalidToken)
        #expect(try check(live.secret.value, "mailapi") == .scopeDenied)
        #expect(try check(live.secret.value, nil) == .scopeDenied)
        #expect(try check(expiring.secret.value) == .invalidToken)
        #expect(try check(nil) == .invalidToken)
        #expect(try check("not-a-token") == .invalidToken)
        #expect(try check(String(repeating: "0", count: 32)) == .invalidToken)
        #expect(try check(rotating.secret.value) == .reused)
        try t.auth.usage.flushAll()
        let today = UsageDay.of(clock.now)
        #expect(try t.store.checkDays(since: 0) == [
            CheckDayCount(day: today, outcome: .allowed, count: 1), CheckDayCount(day: today, outcome: .dead, count: 3),
            CheckDayCount(day: today, outcome: .expired, count: 1), CheckDayCount(day: today, outcome: .reused, count: 1),
            CheckDayCount(day: today, outcome: .scope, count: 2),
        ])
        #expect(try t.store.tokenDays(accountID: ann.id, tokenID: nil, since: 0) == [
            TokenDayCount(tokenID: live.record.id, day: today, count: 1),
        ])
    }

    @Test func countsThatFailToBeWrittenAreKeptForTheNextFlush() throws {
        let t = try TestStore()
        let account = try t.auth.accounts.addAccount(email: "w@example.com", displayName: nil, password: "password1", confirmed: true)
        let id = try t.auth.tokens.issueToken(accountID: account.id, scopes: ["ZohoCRM/crmapi"], displayName: "a").get().record.id
        let recorder = UsageRecorder(store: t.store)
        let now = UsageDay.start(20833)
        for _ in 0..<3 { recorder.record(tokenID: id, at: now, from: "10.0.0.1") }
        recorder.refused(.expired, at: now)
        // The daily table gone for a moment (as a database that refuses writes): the last
        // use is written, the counts are not, and are kept.
        let database = try DatabaseQueue(path: t.directory.appendingPathComponent("test.sqlite").path)
        try database.write { try $0.execute(sql: "ALTER TABLE check_daily RENAME TO check_daily_away") }
        #expect(throws: (any Error).self) { try recorder.flushAll() }
        #expect(recorder.writes == 1 && recorder.dailyRowsWritten == 0)
        try database.write { try $0.execute(sql: "ALTER TABLE check_daily_away RENAME TO check_daily") }
        recorder.record(tokenID: id, at: now, from: "10.0.0.1")
        try recorder.flushAll()
        #expect(try t.store.tokenDays(accountID: account.id, tokenID: nil, since: 0) == [
            TokenDayCount(tokenID: id, day: 20833, count: 4),
        ])
        #expect(try t.store.checkDays(since: 0) == [
            CheckDayCount(day: 20833, outcome: .allowed, count: 4), CheckDayCount(day: 20833, outcome: .expired, count: 1),
        ])
    }
}
