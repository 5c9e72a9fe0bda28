import AuthTokenCore
import AuthTokenStore
import AuthTokenTestKit
import Foundation
import Testing

@Suite struct TokenCheckTests {
    let t: TestStore
    let account: Account
    let token: String

    init() throws {
        t = try TestStore()
        account = try t.auth.accounts.addAccount(email: "ann@example.com", displayName: nil, password: "password1", confirmed: true)
        token = try t.auth.tokens.issueToken(accountID: account.id, scopes: ["ZohoRecruit/recruitapi"], displayName: "x").get().secret.value
    }

    @Test func allowsALiveTokenForItsScopeByApiNameOrFullName() throws {
        let grant = TokenGrant(
            tokenID: try t.store.tokens(accountID: account.id)[0].id, accountID: account.id,
            email: "ann@example.com", accountActive: true, scopes: ["ZohoRecruit/recruitapi"])
        #expect(try t.auth.check.checkToken(token, scope: "recruitapi", from: "10.0.0.1") == .allowed(grant, scope: "ZohoRecruit/recruitapi"))
        #expect(try t.auth.check.checkToken(token, scope: "zohorecruit/RECRUITAPI", from: "10.0.0.1") == .allowed(grant, scope: "ZohoRecruit/recruitapi"))
    }

    @Test func deniesAnotherScopeOrNone() throws {
        #expect(try t.auth.check.checkToken(token, scope: "crmapi", from: "") == .scopeDenied)
        #expect(try t.auth.check.checkToken(token, scope: "ZohoCRM/recruitapi", from: "") == .scopeDenied)
        #expect(try t.auth.check.checkToken(token, scope: nil, from: "") == .scopeDenied)
        #expect(try t.auth.check.checkToken(token, scope: "", from: "") == .scopeDenied)
        // Part of a name is not the name.
        #expect(try t.auth.check.checkToken(token, scope: "api", from: "") == .scopeDenied)
        #expect(try t.auth.check.checkToken(token, scope: "ZohoRecruit/recruit", from: "") == .scopeDenied)
        #expect(try t.auth.check.checkToken(token, scope: "ZohoRecruit", from: "") == .scopeDenied)
    }

    @Test func refusesGarbageDeletedAndDeactivatedAtOnce() throws {
        #expect(try t.auth.check.checkToken(nil, scope: "recruitapi", from: "") == .invalidToken)
        #expect(try t.auth.check.checkToken("' OR 1=1 --", scope: "recruitapi", from: "") == .invalidToken)
        #expect(try t.auth.check.checkToken(TokenSecret.generate().value, scope: "recruitapi", from: "") == .invalidToken)
        try t.store.setActive(accountID: account.id, false)
        #expect(try t.auth.check.checkToken(token, scope: "recruitapi", from: "") == .invalidToken)
        try t.store.setActive(accountID: account.id, true)
        #expect(try t.auth.check.checkToken(token, scope: "recruitapi", from: "") != .invalidToken)
        #expect(try t.auth.tokens.deleteToken(value: token))
        #expect(try t.auth.check.checkToken(token, scope: "recruitapi", from: "") == .invalidToken)
        #expect(try !t.auth.tokens.deleteToken(value: token))
    }

    /// A use of the old value still waiting to be written when the token is regenerated is
    /// dropped: the new value's "last used" stays empty until the new value is used.
    @Test func aUseOfARegeneratedTokensOldValueIsNotTheNewValues() throws {
        let id = try t.store.tokens(accountID: account.id)[0].id
        #expect(try t.auth.check.checkToken(token, scope: "recruitapi", from: "203.0.113.9") != .invalidToken)
        let issued = try #require(try t.auth.tokens.regenerateToken(id: id, accountID: account.id))
        try t.auth.usage.flushAll()
        let row = try #require(try t.auth.tokens.token(id: id, accountID: account.id))
        #expect(row.lastUsedAt == nil && row.lastUsedFrom == nil)
        #expect(try t.auth.check.checkToken(token, scope: "recruitapi", from: "203.0.113.9") == .invalidToken)
        #expect(try t.auth.check.checkToken(issued.secret.value, scope: "recruitapi", from: "198.51.100.1") != .invalidToken)
        try t.auth.usage.flushAll()
        #expect(try t.auth.tokens.token(id: id, accountID: account.id)?.lastUsedFrom == "198.51.100.1")
    }
}

@Suite struct UsageRecorderTests {
    /// 1,000 checks of one token over three simulated minutes write its row four times:
    /// the first use, then once per minute.
    @Test func coalescesWritesToOnePerTokenPerMinute() throws {
        let t = try TestStore()
        let account = try t.auth.accounts.addAccount(email: "u@example.com", displayName: nil, password: "password1", confirmed: true)
        let id = try t.auth.tokens.issueToken(accountID: account.id, scopes: ["ZohoCRM/crmapi"], displayName: "x").get().record.id
        let recorder = UsageRecorder(store: t.store, intervalSeconds: 60)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for call in 0..<1000 {
            let now = start.addingTimeInterval(Double(call) * 0.18)  // 180 s in all
            recorder.record(tokenID: id, at: now, from: "10.0.0.\(call % 7)")
            if call % 5 == 0 { try recorder.flushDue(now: now) }  // the flusher runs about once a second
        }
        #expect(recorder.writes == 3)  // at 0 s, 60 s and 120 s
        try recorder.flushAll()
        #expect(recorder.writes == 4)  // and the last use, at shutdown
        let row = try #require(try t.store.tokens(accountID: account.id).first)
        #expect(row.lastUsedAt == Date(timeIntervalSince1970: Double(Int64(start.addingTimeInterval(999 * 0.18).timeIntervalSince1970))))
        #expect(row.lastUsedFrom == "10.0.0.\(999 % 7)")
    }

    @Test func writesAFirstUsePromptly() throws {
        let t = try TestStore()
        let account = try t.auth.accounts.addAccount(email: "v@example.com", displayName: nil, password: "password1", confirmed: true)
        let id = try t.auth.tokens.issueToken(accountID: account.id, scopes: ["ZohoCRM/crmapi"], displayName: "x").get().record.id
        let recorder = UsageRecorder(store: t.store)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        recorder.record(tokenID: id, at: now, from: "127.0.0.1")
        #expect(try recorder.flushDue(now: now) == 1)
        #expect(try t.store.tokens(accountID: account.id).first?.lastUsedFrom == "127.0.0.1")
    }
}
