import AuthTokenStore
import Foundation
import Testing

@Suite struct TokenContractTests {
    @Test(arguments: Backend.allCases)
    func insertsListsFindsAndDeletesTokens(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            let first = try store.insertToken(
                newToken(ann.id, "d1", scopes: ["ZohoCRM/crmapi", "ZohoMail/mailapi"], createdAt: at(0.5)), limit: 10)
            #expect(first == TokenRecord(
                id: first.id, accountID: ann.id, digest: "d1", hint: "d1", scopes: ["ZohoCRM/crmapi", "ZohoMail/mailapi"],
                displayName: "token d1", createdAt: t0, lastUsedAt: nil, lastUsedFrom: nil, appPasswordID: nil))
            let second = try store.insertToken(newToken(ann.id, "d2", appPasswordID: 77), limit: 10)
            let bobs = try store.insertToken(newToken(bob.id, "d3"), limit: 10)
            #expect(second.appPasswordID == 77)
            #expect(try store.tokens(accountID: ann.id) == [first, second])
            #expect(try store.tokens(accountID: bob.id) == [bobs])
            #expect(try store.token(digest: "d2") == second)
            #expect(try store.token(digest: "nope") == nil)
            #expect(try store.token(id: first.id, accountID: ann.id) == first)
            #expect(try store.token(id: first.id, accountID: bob.id) == nil)

            // Another account's token is not deleted by id.
            #expect(try !store.deleteToken(id: bobs.id, accountID: ann.id))
            #expect(try store.token(digest: "d3") == bobs)
            #expect(try store.deleteToken(id: first.id, accountID: ann.id))
            #expect(try !store.deleteToken(id: first.id, accountID: ann.id))
            #expect(try store.deleteToken(digest: "d3"))
            #expect(try !store.deleteToken(digest: "d3"))
            #expect(try store.tokens(accountID: ann.id) == [second])
            #expect(try store.tokens(accountID: bob.id) == [])
        }
    }

    @Test(arguments: Backend.allCases)
    func theCapRefusesAndChangesNothing(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            for n in 0..<3 { _ = try store.insertToken(newToken(ann.id, "a\(n)"), limit: 3) }
            #expect(throws: StoreError.tokenLimitReached(limit: 3)) { try store.insertToken(newToken(ann.id, "a3"), limit: 3) }
            #expect(try store.token(digest: "a3") == nil)
            #expect(try store.tokens(accountID: ann.id).count == 3)
            // The cap is per account, and a higher limit lets one more in.
            #expect(try store.insertToken(newToken(bob.id, "b0"), limit: 3).accountID == bob.id)
            #expect(try store.insertToken(newToken(ann.id, "a3"), limit: 4).digest == "a3")
            #expect(throws: StoreError.tokenLimitReached(limit: 0)) { try store.insertToken(newToken(bob.id, "b1"), limit: 0) }
            // Deleting makes room again.
            #expect(try store.deleteToken(digest: "a0"))
            #expect(try store.insertToken(newToken(ann.id, "a4"), limit: 4).digest == "a4")
        }
    }

    @Test(arguments: Backend.allCases)
    func aTokenForNoAccountOrADuplicateDigestIsRefused(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            #expect(throws: StoreError.noSuchAccount) { try store.insertToken(newToken(ann.id + 1000, "x"), limit: 10) }
            _ = try store.insertToken(newToken(ann.id, "same"), limit: 10)
            #expect(throws: (any Error).self) { try store.insertToken(newToken(ann.id, "same"), limit: 10) }
            #expect(try store.tokens(accountID: ann.id).count == 1)
            // The store stays usable after the refusals.
            #expect(try store.insertToken(newToken(ann.id, "other"), limit: 10).digest == "other")
        }
    }

    /// 40 threads on two instances insert against a limit of 10: exactly 10 get in.
    @Test(arguments: Backend.allCases)
    func theCapHoldsUnderConcurrentInserts(_ backend: Backend) throws {
        try withStore(backend) { fixture, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            _ = try store.insertToken(newToken(ann.id, "existing"), limit: 10)
            let other = try fixture.reopen()
            let results = race(40, fixture, stores: [store, other]) { index, store in
                try store.insertToken(newToken(index % 4 == 3 ? bob.id : ann.id, "c\(index)"), limit: 10)
            }
            let inserted = results.compactMap(\.value)
            let refusals = results.compactMap { $0.failure as? StoreError }
            // 30 tries for Ann (one slot taken already), 10 for Bob.
            #expect(inserted.filter { $0.accountID == ann.id }.count == 9)
            #expect(inserted.filter { $0.accountID == bob.id }.count == 10)
            #expect(refusals.count == 21)
            #expect(refusals.allSatisfy { $0 == .tokenLimitReached(limit: 10) })
            #expect(results.allSatisfy { $0.value != nil || $0.failure is StoreError })
            #expect(try store.tokens(accountID: ann.id).count == 10)
            #expect(try store.tokens(accountID: bob.id).count == 10)
            #expect(Set(try store.tokens(accountID: ann.id).map(\.id)).count == 10)
        }
    }

    @Test(arguments: Backend.allCases)
    func grantReadsTokenAndAccountInOneAnswer(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("Ann@Example.com"))
            let token = try store.insertToken(newToken(ann.id, "g1", scopes: ["ZohoCRM/crmapi", "ZohoMail/mailapi"]), limit: 10)
            #expect(try store.grant(digest: "g1") == TokenGrant(
                tokenID: token.id, accountID: ann.id, email: "Ann@Example.com", accountActive: true,
                scopes: ["ZohoCRM/crmapi", "ZohoMail/mailapi"]))
            #expect(try store.grant(digest: "G1") == nil)
            #expect(try store.grant(digest: "") == nil)
            #expect(try store.setActive(accountID: ann.id, false))
            #expect(try store.grant(digest: "g1")?.accountActive == false)
            #expect(try store.deleteToken(digest: "g1"))
            #expect(try store.grant(digest: "g1") == nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func grantSeesWritesFromOtherInstancesAtOnce(_ backend: Backend) throws {
        try withStore(backend) { fixture, store throws in
            let other = try fixture.reopen()
            defer { fixture.threadEnds(other) }
            let ann = try store.createAccount(newAccount("ann@example.com"))
            #expect(try other.grant(digest: "late") == nil)
            _ = try store.insertToken(newToken(ann.id, "late"), limit: 10)
            #expect(try other.grant(digest: "late")?.accountID == ann.id)
            #expect(try store.setActive(accountID: ann.id, false))
            #expect(try other.grant(digest: "late")?.accountActive == false)
            #expect(try store.deleteToken(digest: "late"))
            #expect(try other.grant(digest: "late") == nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func recordUsesStoresTheLatestUseAndSkipsDeletedTokens(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let a = try store.insertToken(newToken(ann.id, "u1"), limit: 10)
            let b = try store.insertToken(newToken(ann.id, "u2"), limit: 10)
            let gone = try store.insertToken(newToken(ann.id, "u3"), limit: 10)
            #expect(try store.deleteToken(digest: "u3"))
            try store.recordUses([])
            try store.recordUses([
                TokenUse(tokenID: a.id, at: 1_800_000_100, from: "192.0.2.1"),
                TokenUse(tokenID: gone.id, at: 1_800_000_100, from: "192.0.2.9"),
                TokenUse(tokenID: b.id, at: 1_800_000_200, from: "2001:db8::1 \"quoted\" \\ ,{}"),
                TokenUse(tokenID: gone.id + 1000, at: 1_800_000_100, from: "nowhere"),
            ])
            #expect(try store.token(digest: "u1")?.lastUsedAt == at(100))
            #expect(try store.token(digest: "u1")?.lastUsedFrom == "192.0.2.1")
            #expect(try store.token(digest: "u2")?.lastUsedAt == at(200))
            #expect(try store.token(digest: "u2")?.lastUsedFrom == "2001:db8::1 \"quoted\" \\ ,{}")
            #expect(try store.token(digest: "u3") == nil)
            try store.recordUses([TokenUse(tokenID: a.id, at: 1_800_000_300, from: "192.0.2.2")])
            #expect(try store.token(digest: "u1")?.lastUsedAt == at(300))
            #expect(try store.token(digest: "u1")?.lastUsedFrom == "192.0.2.2")
        }
    }

    /// Two instances flush their coalesced uses in either order: the newest use stays.
    @Test(arguments: Backend.allCases)
    func recordUsesKeepsTheNewestTimeWhenAnOlderOneArrivesLate(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let token = try store.insertToken(newToken(ann.id, "n1"), limit: 10)
            try store.recordUses([TokenUse(tokenID: token.id, at: 1_800_000_500, from: "192.0.2.5")])
            try store.recordUses([TokenUse(tokenID: token.id, at: 1_800_000_400, from: "192.0.2.4")])
            let stored = try store.token(digest: "n1")
            #expect(stored?.lastUsedAt == at(500))
            #expect(stored?.lastUsedFrom == "192.0.2.5")
        }
    }

    @Test(arguments: Backend.allCases)
    func recordUsesFromManyThreadsLeavesTheNewest(_ backend: Backend) throws {
        try withStore(backend) { fixture, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let ids = try (0..<20).map { try store.insertToken(newToken(ann.id, "m\($0)"), limit: 100).id }
            let other = try fixture.reopen()
            // Each thread writes every token, each with a different time; thread 7's are the newest.
            let results = race(12, fixture, stores: [store, other]) { index, store in
                let time: Int64 = index == 7 ? 1_800_009_999 : 1_800_000_000 + Int64(index)
                try store.recordUses(ids.shuffled().map { TokenUse(tokenID: $0, at: time, from: "thread \(index)") })
            }
            #expect(results.allSatisfy { $0.value != nil })
            let tokens = try store.tokens(accountID: ann.id)
            #expect(tokens.count == 20)
            let stale = tokens.filter { $0.lastUsedAt != Date(timeIntervalSince1970: 1_800_009_999) || $0.lastUsedFrom != "thread 7" }
            #expect(stale.map(\.digest) == [])
        }
    }

    @Test(arguments: Backend.allCases)
    func replacingASecretKeepsTheTokenAndForgetsItsLastUse(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            let token = try store.insertToken(newToken(ann.id, "old", scopes: ["A/a", "B/b"], appPasswordID: 3), limit: 10)
            try store.recordUses([TokenUse(tokenID: token.id, at: 1_800_000_100, from: "192.0.2.1")])
            #expect(try store.replaceTokenSecret(id: token.id, accountID: bob.id, digest: "evil", hint: "evil", expiresAt: nil) == nil)
            #expect(try store.token(digest: "old")?.lastUsedAt == at(100))
            let replaced = try store.replaceTokenSecret(id: token.id, accountID: ann.id, digest: "new", hint: "wxyz", expiresAt: nil)
            var expected = token
            expected.digest = "new"
            expected.hint = "wxyz"
            #expect(replaced == expected)
            #expect(try store.token(digest: "new") == expected)
            #expect(try store.token(digest: "old") == nil)
            #expect(try store.grant(digest: "old") == nil)
            #expect(try store.grant(digest: "new")?.tokenID == token.id)
            #expect(try store.replaceTokenSecret(id: token.id + 1000, accountID: ann.id, digest: "x", hint: "x", expiresAt: nil) == nil)
        }
    }

    /// Optional expiry: stored with the lifetime it was made with, read back by every
    /// look-up and by the check's own read, and set anew when the secret is replaced.
    @Test(arguments: Backend.allCases)
    func expiryAndLifetimeAreStoredAndReadByTheCheck(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            var new = newToken(ann.id, "exp")
            new.expiresAt = at(30 * 86400 + 0.7)
            new.lifetime = 30 * 86400
            let token = try store.insertToken(new, limit: 10)
            #expect(token.expiresAt == at(30 * 86400) && token.lifetime == 30 * 86400)
            let permanent = try store.insertToken(newToken(ann.id, "perm"), limit: 10)
            #expect(permanent.expiresAt == nil && permanent.lifetime == nil)
            #expect(try store.tokens(accountID: ann.id) == [token, permanent])
            #expect(try store.token(digest: "exp") == token)
            #expect(try store.token(id: token.id, accountID: ann.id) == token)
            #expect(try store.grant(digest: "exp")?.expiresAt == 1_800_000_000 + 30 * 86400)
            #expect(try store.grant(digest: "perm")?.expiresAt == nil)

            let renewed = try #require(try store.replaceTokenSecret(
                id: token.id, accountID: ann.id, digest: "exp2", hint: "exp2", expiresAt: at(40 * 86400)))
            #expect(renewed.expiresAt == at(40 * 86400) && renewed.lifetime == 30 * 86400)
            #expect(try store.grant(digest: "exp2")?.expiresAt == 1_800_000_000 + 40 * 86400)
            let cleared = try #require(try store.replaceTokenSecret(
                id: token.id, accountID: ann.id, digest: "exp3", hint: "exp3", expiresAt: nil))
            #expect(cleared.expiresAt == nil)
            #expect(try store.grant(digest: "exp3")?.expiresAt == nil)
        }
    }
}
