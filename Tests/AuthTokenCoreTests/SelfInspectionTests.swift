@_spi(Testing) import AuthTokenCore
import AuthTokenStore
import AuthTokenTestKit
import Foundation
import Testing

/// `/apiauthtoken/self` (`inspectToken`) holds the token check's rules: a deactivated
/// account's token and one at its expiry second are dead, and asking is not a use.
@Suite struct SelfInspectionTests {
    let clock = ManualClock()
    let t: TestStore
    let ann: Int64
    let token: IssuedToken

    init() throws {
        let clock = self.clock
        t = try TestStore(now: { clock.now })
        ann = try t.auth.accounts.addAccount(email: "ann@example.com", displayName: nil, password: "password1", confirmed: true).id
        token = try t.auth.tokens.issueToken(accountID: ann, scopes: ["ZohoCRM/crmapi"], displayName: "deploy", expiry: .days(30)).get()
    }

    func answers(_ value: String) throws -> Bool {
        if case .token(let record, nil) = try t.auth.tokens.inspectToken(value: value, client: Client(address: "198.51.100.8", userAgent: "curl")) {
            return record.id == token.record.id
        }
        return false
    }

    func dead(_ value: String) throws -> Bool {
        if case .deadToken = try t.auth.tokens.inspectToken(value: value) { return true }
        return false
    }

    @Test func aDeactivatedAccountsTokenIsDeadHereAsInTheCheck() throws {
        #expect(try answers(token.secret.value))
        try t.auth.accounts.setActive(accountID: ann, false)
        #expect(try t.auth.check.checkToken(token.secret.value, scope: "crmapi", from: "192.0.2.1") == .invalidToken)
        #expect(try dead(token.secret.value))
        try t.auth.accounts.setActive(accountID: ann, true)
        #expect(try answers(token.secret.value))
    }

    @Test func theExpirySecondIsDeadHereAsInTheCheck() throws {
        let expires = try #require(token.record.expiresAt)
        clock.advance(expires.timeIntervalSince(clock.now) - 1)
        #expect(try answers(token.secret.value))  // its last second
        clock.advance(1)
        #expect(try t.auth.check.checkToken(token.secret.value, scope: "crmapi", from: "192.0.2.1") == .invalidToken)
        #expect(try dead(token.secret.value))
    }

    @Test func askingIsNotAUse() throws {
        #expect(try answers(token.secret.value))
        try t.auth.usage.flushAll()
        var stored = try #require(try t.auth.tokens.token(id: token.record.id, accountID: ann))
        #expect(stored.lastUsedAt == nil && stored.lastUsedFrom == nil)
        // After a real use, asking later from elsewhere changes neither its time nor address.
        let used = clock.now
        #expect(try t.auth.check.checkToken(token.secret.value, scope: "crmapi", from: "192.0.2.1") != .invalidToken)
        try t.auth.usage.flushAll()
        clock.advance(3600)
        #expect(try answers(token.secret.value))
        try t.auth.usage.flushAll()
        stored = try #require(try t.auth.tokens.token(id: token.record.id, accountID: ann))
        #expect(stored.lastUsedAt == used && stored.lastUsedFrom == "192.0.2.1")
    }
}
