import AuthTokenCore
import AuthTokenStore
import AuthTokenTestKit
import Foundation
import Testing

/// Optional expiry, with the clock moved by hand.
@Suite struct TokenExpiryTests {
    let clock = ManualClock()
    let day: TimeInterval = 86400

    func service(maxDays: Int? = nil) throws -> (TestStore, Int64) {
        let clock = self.clock
        let t = try TestStore(maxTokenLifetimeDays: maxDays, now: { clock.now })
        let account = try t.auth.accounts.addAccount(email: "ann@example.com", displayName: nil, password: "password1", confirmed: true)
        return (t, account.id)
    }

    @Test func anExpiredTokenFailsTheCheckFromItsExactSecondOn() throws {
        let (t, ann) = try service()
        let start = clock.now
        let issued = try t.auth.tokens.issueToken(accountID: ann, scopes: ["ZohoCRM/crmapi"], displayName: "job", expiry: .days(30)).get()
        #expect(issued.record.expiresAt == start.addingTimeInterval(30 * day))
        clock.advance(30 * day - 1)
        #expect(try t.auth.check.checkToken(issued.secret.value, scope: "crmapi", from: "") != .invalidToken)
        clock.advance(1)
        #expect(try t.auth.check.checkToken(issued.secret.value, scope: "crmapi", from: "") == .invalidToken)
        // Refused like a deleted token, but still listed for its owner, with its last use.
        try t.auth.usage.flushAll()
        let row = try #require(try t.auth.tokens.list(accountID: ann).first)
        #expect(t.auth.tokens.hasExpired(row))
        #expect(row.lastUsedAt == start.addingTimeInterval(30 * day - 1))
    }

    @Test func aDateIsAnExactInstantAndMustLieAhead() throws {
        let (t, ann) = try service()
        let until = clock.now.addingTimeInterval(3600)
        let issued = try t.auth.tokens.issueToken(accountID: ann, scopes: ["ZohoCRM/crmapi"], displayName: "d", expiry: .until(until)).get()
        #expect(issued.record.expiresAt == until)
        #expect(try t.store.tokens(accountID: ann)[0].lifetime == 3600)
        for bad: TokenExpiry in [.until(clock.now), .until(clock.now.addingTimeInterval(-5)), .days(0), .days(36501)] {
            guard case .failure(.invalidExpiry) = try t.auth.tokens.issueToken(
                accountID: ann, scopes: ["ZohoCRM/crmapi"], displayName: "x", expiry: bad)
            else { Issue.record("\(bad) accepted"); continue }
        }
        #expect(try t.store.tokens(accountID: ann).count == 1)
    }

    @Test func withoutAPolicyTokensArePermanentAsInTheLegacyProtocol() throws {
        let (t, ann) = try service()
        let issued = try t.auth.tokens.createToken(
            TokenRequest(email: "ann@example.com", password: "password1", scope: "ZohoCRM/crmapi", displayName: nil)).get()
        #expect(issued.record.expiresAt == nil)
        clock.advance(100 * 365 * day)
        #expect(try t.auth.check.checkToken(issued.secret.value, scope: "crmapi", from: "") != .invalidToken)
    }

    @Test func thePolicyCapsEveryNewValueButNeverShortensAStoredOne() throws {
        let (open, ann) = try service()
        let old = try open.auth.tokens.issueToken(accountID: ann, scopes: ["ZohoCRM/crmapi"], displayName: "old").get()
        let clock = self.clock
        var settings = open.auth.settings
        settings.maxTokenLifetimeDays = 90
        let capped = AuthService(store: open.store, settings: settings, now: { clock.now })
        let start = clock.now
        let legacy = try capped.tokens.createToken(
            TokenRequest(email: "ann@example.com", password: "password1", scope: "ZohoCRM/crmapi", displayName: nil)).get()
        #expect(legacy.record.expiresAt == start.addingTimeInterval(90 * day))
        let long = try capped.tokens.issueToken(accountID: ann, scopes: ["ZohoCRM/crmapi"], displayName: "l", expiry: .days(365)).get()
        #expect(long.record.expiresAt == start.addingTimeInterval(90 * day))
        let short = try capped.tokens.issueToken(accountID: ann, scopes: ["ZohoCRM/crmapi"], displayName: "s", expiry: .days(30)).get()
        #expect(short.record.expiresAt == start.addingTimeInterval(30 * day))
        // The token made before the cap stays permanent.
        clock.advance(1000 * day)
        #expect(try capped.check.checkToken(old.secret.value, scope: "crmapi", from: "") != .invalidToken)
        #expect(try capped.check.checkToken(legacy.secret.value, scope: "crmapi", from: "") == .invalidToken)
        #expect(try open.store.token(digest: old.secret.digest)?.expiresAt == nil)
        // Regenerating it makes a new value, which the cap does apply to.
        let renewed = try #require(try capped.tokens.regenerateToken(id: old.record.id, accountID: ann))
        #expect(renewed.record.expiresAt == clock.now.addingTimeInterval(90 * day))
    }

    @Test func renewingAnExpiredTokenGivesANewValueWithItsOwnLifetime() throws {
        let (t, ann) = try service()
        let issued = try t.auth.tokens.issueToken(
            accountID: ann, scopes: ["ZohoCRM/crmapi", "ZohoPC/docsapi"], displayName: "nightly", expiry: .days(30)).get()
        clock.advance(45 * day)
        #expect(try t.auth.check.checkToken(issued.secret.value, scope: "crmapi", from: "") == .invalidToken)
        let renewed = try #require(try t.auth.tokens.regenerateToken(id: issued.record.id, accountID: ann))
        #expect(renewed.record.id == issued.record.id && renewed.record.displayName == "nightly")
        #expect(renewed.record.scopes == ["ZohoCRM/crmapi", "ZohoPC/docsapi"])
        #expect(renewed.record.expiresAt == clock.now.addingTimeInterval(30 * day))
        #expect(try t.auth.check.checkToken(renewed.secret.value, scope: "crmapi", from: "") != .invalidToken)
        #expect(try t.auth.check.checkToken(issued.secret.value, scope: "crmapi", from: "") == .invalidToken)
    }

    @Test func apiModeReadsExpiresInDaysStrictly() throws {
        let (t, _) = try service()
        func ask(_ days: String?) throws -> Result<IssuedToken, TokenRefusal> {
            try t.auth.tokens.createToken(TokenRequest(
                email: "ann@example.com", password: "password1", scope: "ZohoCRM/crmapi", displayName: nil,
                expiresInDays: days))
        }
        #expect(try ask("7").get().record.expiresAt == clock.now.addingTimeInterval(7 * day))
        for bad in ["0", "-1", "+7", " 7", "7.5", "abc", "", "36501", "0000007"] {
            guard case .failure(let refusal) = try ask(bad) else { Issue.record("\(bad) accepted"); continue }
            #expect(refusal == .invalidExpiry, "\(bad)")
        }
    }
}
