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
            // Regenerating forgets the rotation facts; the old values stay known.
            let regenerated = try #require(try store.replaceTokenSecret(
                id: token.id, accountID: ann.id, digest: "v4", hint: "h-v4", expiresAt: nil))
            #expect(regenerated.rotatedAt == nil && regenerated.rotatedFrom == nil)
            #expect(try store.grant(digest: "v1")?.retiredUntil == 1_800_003_700)
            // Deleting the token forgets every value of it.
            #expect(try store.deleteToken(id: token.id, accountID: ann.id))
            #expect(try store.grant(digest: "v1") == nil)
            #expect(try store.grant(digest: "v4") == nil)
            // And so does deleting the account.
            let bob = try store.createAccount(newAccount("bob@example.com"))
            let bobs = try store.insertToken(newToken(bob.id, "b1"), limit: 10)
            _ = try #require(try store.rotateToken(rotation(bobs.id, "b1", "b2", at: 300)))
            #expect(try store.grant(digest: "b1") != nil)
            try fixture.deleteAccount(id: bob.id)
            #expect(try store.grant(digest: "b1") == nil)
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
