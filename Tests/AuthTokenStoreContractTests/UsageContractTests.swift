import AuthTokenStore
import Foundation
import Testing

/// Daily use: counts add up across flushes and instances, follow their token, are read per
/// account, token and day, and go with the activity's retention.
@Suite struct UsageContractTests {
    let day = UsageDay.of(t0)

    @Test(arguments: Backend.allCases)
    func countsAddUpAndAreReadPerAccountTokenAndDay(_ backend: Backend) throws {
        try withStore(backend) { fixture, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            let a1 = try store.insertToken(newToken(ann.id, "a1"), limit: 10)
            let a2 = try store.insertToken(newToken(ann.id, "a2"), limit: 10)
            let b1 = try store.insertToken(newToken(bob.id, "b1"), limit: 10)
            try store.addUsage(UsageCounts(
                tokens: [TokenDayCount(tokenID: a1.id, day: day - 1, count: 5), TokenDayCount(tokenID: a1.id, day: day, count: 2),
                         TokenDayCount(tokenID: a2.id, day: day, count: 7), TokenDayCount(tokenID: b1.id, day: day, count: 1)],
                checks: [CheckDayCount(day: day, outcome: .allowed, count: 10), CheckDayCount(day: day, outcome: .expired, count: 3)]))
            // A second instance on the same database adds to the same rows.
            let other = try fixture.reopen()
            try other.addUsage(UsageCounts(
                tokens: [TokenDayCount(tokenID: a1.id, day: day, count: 4)],
                checks: [CheckDayCount(day: day, outcome: .allowed, count: 4), CheckDayCount(day: day + 1, outcome: .dead, count: 9)]))
            fixture.threadEnds(other)

            #expect(try store.tokenDays(accountID: ann.id, tokenID: nil, since: day - 10) == [
                TokenDayCount(tokenID: a1.id, day: day - 1, count: 5), TokenDayCount(tokenID: a1.id, day: day, count: 6),
                TokenDayCount(tokenID: a2.id, day: day, count: 7),
            ])
            #expect(try store.tokenDays(accountID: ann.id, tokenID: nil, since: day) == [
                TokenDayCount(tokenID: a1.id, day: day, count: 6), TokenDayCount(tokenID: a2.id, day: day, count: 7),
            ])
            #expect(try store.tokenDays(accountID: ann.id, tokenID: a1.id, since: day - 10) == [
                TokenDayCount(tokenID: a1.id, day: day - 1, count: 5), TokenDayCount(tokenID: a1.id, day: day, count: 6),
            ])
            // Another account's token is not read through this account.
            #expect(try store.tokenDays(accountID: ann.id, tokenID: b1.id, since: day - 10) == [])
            #expect(try store.checkDays(since: day - 10) == [
                CheckDayCount(day: day, outcome: .allowed, count: 14), CheckDayCount(day: day, outcome: .expired, count: 3),
                CheckDayCount(day: day + 1, outcome: .dead, count: 9),
            ])
            #expect(try store.checkDays(since: day + 1) == [CheckDayCount(day: day + 1, outcome: .dead, count: 9)])

            let busiest = try store.busiestTokens(since: day - 10, limit: 2)
            #expect(busiest.map(\.token.token.id) == [a1.id, a2.id])
            #expect(busiest.map(\.uses) == [11, 7])
            #expect(busiest.map(\.token.ownerEmail) == ["ann@example.com", "ann@example.com"])
            #expect(try store.busiestTokens(since: day, limit: 10).map(\.uses) == [7, 6, 1])
            // Equal counts: the lower id first.
            #expect(try store.busiestTokens(since: day, limit: 10).map(\.token.token.id) == [a2.id, a1.id, b1.id])
        }
    }

    @Test(arguments: Backend.allCases)
    func countsOfADeletedTokenAreDroppedAndGoWithIt(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let kept = try store.insertToken(newToken(ann.id, "k"), limit: 10)
            let gone = try store.insertToken(newToken(ann.id, "g"), limit: 10)
            try store.addUsage(UsageCounts(tokens: [TokenDayCount(tokenID: gone.id, day: day, count: 3)]))
            #expect(try store.deleteToken(id: gone.id, accountID: ann.id))
            #expect(try store.tokenDays(accountID: ann.id, tokenID: nil, since: 0) == [])
            // A batch naming a token deleted meanwhile still adds the rest.
            try store.addUsage(UsageCounts(
                tokens: [TokenDayCount(tokenID: gone.id, day: day, count: 2), TokenDayCount(tokenID: kept.id, day: day, count: 1)],
                checks: [CheckDayCount(day: day, outcome: .allowed, count: 3)]))
            #expect(try store.tokenDays(accountID: ann.id, tokenID: nil, since: 0) == [
                TokenDayCount(tokenID: kept.id, day: day, count: 1),
            ])
            #expect(try store.checkDays(since: 0) == [CheckDayCount(day: day, outcome: .allowed, count: 3)])
        }
    }

    @Test(arguments: Backend.allCases)
    func activityIsCountedPerDayAndKind(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let start = UsageDay.start(day)
            for (seconds, kind) in [(-1.0, ActivityKind.signIn), (0, .signIn), (86399, .signIn), (86400, .signInFailed),
                                    (90000, .signIn), (100, .tokenCreated), (200, .passwordChanged)] {
                try store.insertActivity(NewActivity(at: start.addingTimeInterval(seconds), accountID: ann.id, kind: kind,
                                                     address: "a", userAgent: "u", detail: ""))
            }
            #expect(try store.activityDays([.signIn, .signInFailed, .tokenCreated], since: day) == [
                ActivityDayCount(day: day, kind: .signIn, count: 2), ActivityDayCount(day: day, kind: .tokenCreated, count: 1),
                ActivityDayCount(day: day + 1, kind: .signIn, count: 1), ActivityDayCount(day: day + 1, kind: .signInFailed, count: 1),
            ])
            #expect(try store.activityDays([.signIn], since: day - 1) == [
                ActivityDayCount(day: day - 1, kind: .signIn, count: 1), ActivityDayCount(day: day, kind: .signIn, count: 2),
                ActivityDayCount(day: day + 1, kind: .signIn, count: 1),
            ])
            #expect(try store.activityDays([], since: 0) == [])
        }
    }

    @Test(arguments: Backend.allCases)
    func neverUsedTokensAreCounted(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let used = try store.insertToken(newToken(ann.id, "u"), limit: 10)
            _ = try store.insertToken(newToken(ann.id, "n1"), limit: 10)
            _ = try store.insertToken(newToken(ann.id, "n2"), limit: 10)
            #expect(try store.neverUsedTokenCount() == 3)
            try store.recordUses([TokenUse(tokenID: used.id, at: Int64(at(5).timeIntervalSince1970), from: "10.0.0.1")])
            #expect(try store.neverUsedTokenCount() == 2)
        }
    }

    @Test(arguments: Backend.allCases)
    func retentionRemovesWholeDaysBeforeTheActivityCutOff(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let token = try store.insertToken(newToken(ann.id, "t"), limit: 10)
            try store.addUsage(UsageCounts(
                tokens: [-3, -1, 0].map { TokenDayCount(tokenID: token.id, day: day + $0, count: 1) },
                checks: [-2, 0].map { CheckDayCount(day: day + $0, outcome: .dead, count: 1) }))
            // Nothing goes while the activity is kept for ever.
            #expect(try store.deleteExpired(now: at(0), activityBefore: nil, countersBefore: t0).usageDays == 0)
            // A cut-off inside day - 1: that day stays, the days before it go.
            let cutOff = UsageDay.start(day - 1).addingTimeInterval(3600)
            #expect(try store.deleteExpired(now: at(0), activityBefore: cutOff, countersBefore: t0).usageDays == 2)
            #expect(try store.tokenDays(accountID: ann.id, tokenID: nil, since: 0).map(\.day) == [day - 1, day])
            #expect(try store.checkDays(since: 0).map(\.day) == [day])
        }
    }
}
