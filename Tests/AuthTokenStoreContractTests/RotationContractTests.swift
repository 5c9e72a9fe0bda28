import AuthTokenStore
import Foundation
import Testing

func rotation(_ id: Int64, _ old: String, _ new: String, at seconds: Double, grace: Double = 3600) -> TokenRotation {
    TokenRotation(
        tokenID: id, oldDigest: old, oldHint: "h-\(old)", newDigest: new, newHint: "h-\(new)",
        at: at(seconds), worksUntil: at(seconds + grace), expiresAt: at(seconds + 86400))
}

@Suite struct RotationContractTests {

    @Test(arguments: Backend.allCases)
    func aRotationKeepsTheTokenAndRemembersTheOldValue(_ backend: Backend) throws {
        try withStore(backend) { fixture, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let token = try store.insertToken(newToken(ann.id, "v1", scopes: ["A/a", "B/b"]), limit: 1)
            try store.recordUses([TokenUse(tokenID: token.id, at: 1_800_000_050, from: "192.0.2.1")])
            let rotated = try #require(try store.rotateToken(rotation(token.id, "v1", "v2", at: 100)))
            var expected = token
            expected.digest = "v2"
            expected.hint = "h-v2"
            expected.expiresAt = at(100 + 86400)
            expected.rotatedAt = at(100)
            expected.rotatedFrom = "h-v1"
            expected.lastUsedAt = at(50)
            expected.lastUsedFrom = "192.0.2.1"
            #expect(rotated == expected)
            #expect(try store.tokens(accountID: ann.id) == [expected])
            #expect(try store.token(digest: "v1") == nil)
            // The check's read: the current value as before, the old one with its window.
            #expect(try store.grant(digest: "v2") == TokenGrant(
                tokenID: token.id, accountID: ann.id, email: "ann@example.com", accountActive: true,
                scopes: ["A/a", "B/b"], expiresAt: 1_800_000_100 + 86400))
            #expect(try store.grant(digest: "v1") == TokenGrant(
                tokenID: token.id, accountID: ann.id, email: "ann@example.com", accountActive: true,
                scopes: ["A/a", "B/b"], expiresAt: 1_800_000_100 + 86400, retiredUntil: 1_800_003_700))
            // The cap counts the token once.
            #expect(throws: StoreError.tokenLimitReached(limit: 1)) { try store.insertToken(newToken(ann.id, "x"), limit: 1) }
            // A value that is no longer current is not rotated again, and nothing changes.
            #expect(try store.rotateToken(rotation(token.id, "v1", "v3", at: 200)) == nil)
            #expect(try store.token(digest: "v3") == nil && store.grant(digest: "v3") == nil)
            // Deleting the token forgets every value of it.
            #expect(try store.deleteToken(id: token.id, accountID: ann.id))
            #expect(try store.grant(digest: "v1") == nil)
            #expect(try store.grant(digest: "v2") == nil)
            // And so does deleting the account.
            let bob = try store.createAccount(newAccount("bob@example.com"))
            let bobs = try store.insertToken(newToken(bob.id, "b1"), limit: 10)
            _ = try #require(try store.rotateToken(rotation(bobs.id, "b1", "b2", at: 300)))
            #expect(try store.grant(digest: "b1") != nil)
            try fixture.deleteAccount(id: bob.id)
            #expect(try store.grant(digest: "b1") == nil)
        }
    }

    /// Regenerating (and renewing, the same call) ends every value the token ever had:
    /// the current one and each rotated out of it, in or past its grace window. Another
    /// token's rotated-out values stay.
    @Test(arguments: Backend.allCases)
    func aNewSecretForgetsEveryRotatedOutValue(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let token = try store.insertToken(newToken(ann.id, "v1"), limit: 10)
            let other = try store.insertToken(newToken(ann.id, "o1"), limit: 10)
            _ = try #require(try store.rotateToken(rotation(token.id, "v1", "v2", at: 100, grace: 10)))
            _ = try #require(try store.rotateToken(rotation(token.id, "v2", "v3", at: 200)))
            _ = try #require(try store.rotateToken(rotation(other.id, "o1", "o2", at: 200)))
            #expect(try store.grant(digest: "v1")?.retiredUntil == 1_800_000_110)
            #expect(try store.grant(digest: "v2")?.retiredUntil == 1_800_003_800)
            let regenerated = try #require(try store.replaceTokenSecret(
                id: token.id, accountID: ann.id, digest: "v4", hint: "h-v4", expiresAt: nil))
            #expect(regenerated.rotatedAt == nil && regenerated.rotatedFrom == nil)
            for gone in ["v1", "v2", "v3"] { #expect(try store.grant(digest: gone) == nil) }
            #expect(try store.grant(digest: "v4")?.tokenID == token.id)
            #expect(try store.grant(digest: "o1")?.retiredUntil == 1_800_003_800)
            // Another account's call changes nothing, its rotated-out values included.
            let bob = try store.createAccount(newAccount("bob@example.com"))
            #expect(try store.replaceTokenSecret(id: other.id, accountID: bob.id, digest: "x", hint: "x", expiresAt: nil) == nil)
            #expect(try store.grant(digest: "o1")?.tokenID == other.id && store.grant(digest: "o2")?.tokenID == other.id)
            // Deleting by the current value (`/apiauthtoken/delete`) ends the rotated-out ones too.
            #expect(try store.deleteToken(digest: "o2"))
            #expect(try store.grant(digest: "o1") == nil && store.grant(digest: "o2") == nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func concurrentRotationsOfOneValueHaveOneWinner(_ backend: Backend) throws {
        try withStore(backend) { fixture, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let token = try store.insertToken(newToken(ann.id, "v1"), limit: 10)
            let id = token.id
            let results = race(8, fixture, stores: [store, try fixture.reopen()]) { n, store in
                try store.rotateToken(rotation(id, "v1", "n\(n)", at: 100)) != nil
            }
            #expect(results.compactMap(\.value).filter { $0 }.count == 1)
            #expect(results.allSatisfy { $0.failure == nil })
            #expect(try store.grant(digest: "v1")?.retiredUntil == 1_800_003_700)
        }
    }
}

@Suite struct ReminderContractTests {
    @Test(arguments: Backend.allCases)
    func dueTokensAndTheCompareAndSet(_ backend: Backend) throws {
        try withStore(backend) { fixture, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com", active: false))
            func insert(_ account: Int64, _ digest: String, expires: Double?) throws -> TokenRecord {
                var new = newToken(account, digest)
                new.expiresAt = expires.map(at)
                return try store.insertToken(new, limit: 10)
            }
            let due = try insert(ann.id, "due", expires: 5 * 86400)
            let later = try insert(ann.id, "later", expires: 9 * 86400)
            let unused = try insert(ann.id, "unused", expires: 5 * 86400)
            let permanent = try insert(ann.id, "perm", expires: nil)
            let old = try insert(ann.id, "old", expires: 5 * 86400)
            let inactive = try insert(bob.id, "bob", expires: 5 * 86400)
            let past = try insert(ann.id, "past", expires: -10)
            try store.recordUses([due, later, permanent, inactive, past].map { TokenUse(tokenID: $0.id, at: 1_800_000_000, from: "192.0.2.1") }
                + [TokenUse(tokenID: old.id, at: 1_800_000_000 - 40 * 86400, from: "192.0.2.2")])
            _ = unused
            let found = try store.tokensToRemind(now: t0, expiringBy: at(7 * 86400), usedSince: at(-30 * 86400), days: 7)
            #expect(found == [TokenReminder(
                tokenID: due.id, email: "ann@example.com", displayName: "token due", hint: "due",
                expiresAt: at(5 * 86400), lastUsedAt: t0, lastUsedFrom: "192.0.2.1")])
            // Once each: 7 days, then 1 day; a stale expiry or an earlier note wins nothing.
            #expect(try !store.markReminded(tokenID: due.id, days: 7, expiresAt: at(6 * 86400)))
            #expect(try store.markReminded(tokenID: due.id, days: 7, expiresAt: at(5 * 86400)))
            #expect(try !store.markReminded(tokenID: due.id, days: 7, expiresAt: at(5 * 86400)))
            #expect(try store.tokensToRemind(now: t0, expiringBy: at(7 * 86400), usedSince: at(-30 * 86400), days: 7) == [])
            #expect(try store.tokensToRemind(now: t0, expiringBy: at(7 * 86400), usedSince: at(-30 * 86400), days: 1)
                .map(\.tokenID) == [due.id])
            #expect(try store.markReminded(tokenID: due.id, days: 1, expiresAt: at(5 * 86400)))
            #expect(try !store.markReminded(tokenID: due.id, days: 7, expiresAt: at(5 * 86400)))
            #expect(try !store.markReminded(tokenID: due.id, days: 1, expiresAt: at(5 * 86400)))
            // A new value forgets them.
            _ = try #require(try store.replaceTokenSecret(
                id: due.id, accountID: ann.id, digest: "due2", hint: "due2", expiresAt: at(5 * 86400)))
            #expect(try store.markReminded(tokenID: due.id, days: 7, expiresAt: at(5 * 86400)))
            _ = try #require(try store.rotateToken(rotation(due.id, "due2", "due3", at: 0)))
            #expect(try store.markReminded(tokenID: due.id, days: 1, expiresAt: at(86400)))
            // Of many instances at once, one notes it.
            let id = later.id
            let results = race(8, fixture, stores: [store, try fixture.reopen()]) { _, store in
                try store.markReminded(tokenID: id, days: 7, expiresAt: at(9 * 86400))
            }
            #expect(results.compactMap(\.value).filter { $0 }.count == 1)
        }
    }
}
