import AuthTokenStore
import Foundation
import Testing

/// The administrators' lists, the same on every backend (their SQL is shared, their NULL
/// ordering and booleans are not).
@Suite struct AdminContractTests {
    @Test(arguments: Backend.allCases)
    func theAccountListSearchesFiltersAndPages(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("Ann@Example.com", confirmed: true))
            let bob = try store.createAccount(newAccount("bob@example.com", active: false))
            let cat = try store.createAccount(newAccount("cat_100%@example.org", confirmed: true))
            _ = try store.insertToken(newToken(ann.id, "a1"), limit: 10)
            _ = try store.insertToken(newToken(ann.id, "a2"), limit: 10)
            #expect(try store.storePendingTwoFactor(accountID: cat.id, sealedSecret: [1]))
            #expect(try store.enableTwoFactor(accountID: cat.id, sealedSecret: [1], step: 1, recoveryDigests: [], keepSession: nil))
            #expect(try store.storePendingTwoFactor(accountID: bob.id, sealedSecret: [1]))  // pending only: off
            #expect(try store.startBlock(key: "account:\(bob.id)", until: at(600), now: t0))
            #expect(try store.startBlock(key: "address:192.0.2.1", until: at(600), now: t0))
            func ids(_ filter: AccountFilter, limit: Int = 50, offset: Int = 0) throws -> [Int64] {
                try store.accountList(filter, limit: limit, offset: offset).map(\.account.id)
            }
            let all = try store.accountList(AccountFilter(now: t0), limit: 50, offset: 0)
            #expect(all == [
                AccountListing(account: ann, twoFactor: false, blockedUntil: nil, tokenCount: 2),
                AccountListing(account: bob, twoFactor: false, blockedUntil: at(600), tokenCount: 0),
                AccountListing(account: cat, twoFactor: true, blockedUntil: nil, tokenCount: 0),
            ])
            #expect(try ids(AccountFilter(search: "ANN", now: t0)) == [ann.id])
            #expect(try ids(AccountFilter(search: "name of bob", now: t0)) == [bob.id])
            #expect(try ids(AccountFilter(search: "example", now: t0)) == [ann.id, bob.id, cat.id])
            #expect(try ids(AccountFilter(search: "_100%", now: t0)) == [cat.id])
            #expect(try ids(AccountFilter(search: "%", now: t0)) == [cat.id])
            #expect(try ids(AccountFilter(unconfirmedOnly: true, now: t0)) == [bob.id])
            #expect(try ids(AccountFilter(deactivatedOnly: true, now: t0)) == [bob.id])
            #expect(try ids(AccountFilter(blockedOnly: true, now: t0)) == [bob.id])
            #expect(try ids(AccountFilter(blockedOnly: true, now: at(600))) == [])
            #expect(try store.accountList(AccountFilter(now: at(600)), limit: 50, offset: 0)[1].blockedUntil == nil)
            #expect(try ids(AccountFilter(twoFactorOnly: true, now: t0)) == [cat.id])
            #expect(try ids(AccountFilter(unconfirmedOnly: true, twoFactorOnly: true, now: t0)) == [])
            #expect(try ids(AccountFilter(now: t0), limit: 2, offset: 0) == [ann.id, bob.id])
            #expect(try ids(AccountFilter(now: t0), limit: 2, offset: 2) == [cat.id])
            #expect(try store.accountCount(AccountFilter(now: t0)) == 3)
            #expect(try store.accountCount(AccountFilter(search: "example.com", now: t0)) == 2)
        }
    }

    @Test(arguments: Backend.allCases)
    func theInventoryFiltersSortsAndNamesOwnersAndAppPasswords(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            let phone = try store.insertAppPassword(accountID: bob.id, name: "phone", passwordHash: "h", lookupDigest: "l",
                                                    createdAt: t0, limit: 5)
            let a1 = try store.insertToken(newToken(ann.id, "a1", createdAt: at(0)), limit: 10)
            let a2 = try store.insertToken(newToken(ann.id, "a2", scopes: ["ZohoCRM/crmapi", "ZohoRecruit/recruitapi"],
                                                    createdAt: at(10)), limit: 10)
            let b1 = try store.insertToken(newToken(bob.id, "b1", scopes: ["ZohoRecruit/recruitapi"], appPasswordID: phone.id,
                                                    createdAt: at(20)), limit: 10)
            let b2 = try store.insertToken(newToken(bob.id, "b2", appPasswordID: 999, createdAt: at(30)), limit: 10)
            try store.recordUses([TokenUse(tokenID: a1.id, at: Int64(at(100).timeIntervalSince1970), from: "192.0.2.1"),
                                  TokenUse(tokenID: b1.id, at: Int64(at(50).timeIntervalSince1970), from: "192.0.2.2")])
            func ids(_ filter: TokenFilter = TokenFilter(), _ sort: TokenSort = .newest, limit: Int = 50, offset: Int = 0)
                throws -> [Int64]
            {
                try store.tokenInventory(filter, sort: sort, limit: limit, offset: offset).map(\.token.id)
            }
            #expect(try ids() == [b2.id, b1.id, a2.id, a1.id])
            #expect(try ids(TokenFilter(), .oldest) == [a1.id, a2.id, b1.id, b2.id])
            #expect(try ids(TokenFilter(), .recentlyUsed) == [a1.id, b1.id, b2.id, a2.id])
            #expect(try ids(TokenFilter(), .longestUnused) == [a2.id, b2.id, b1.id, a1.id])
            #expect(try ids(TokenFilter(), .owner) == [a1.id, a2.id, b1.id, b2.id])
            #expect(try ids(TokenFilter(), .oldest, limit: 2, offset: 2) == [b1.id, b2.id])
            #expect(try ids(TokenFilter(scope: "ZohoRecruit/recruitapi")) == [b1.id, a2.id])
            #expect(try ids(TokenFilter(scope: "ZohoCRM/crm")) == [])
            #expect(try ids(TokenFilter(ownerID: bob.id)) == [b2.id, b1.id])
            // Not used since 60: used before it (b1 at 50), or never and created before it.
            #expect(try ids(TokenFilter(unusedSince: at(60))) == [b2.id, b1.id, a2.id])
            #expect(try ids(TokenFilter(unusedSince: at(25))) == [a2.id])
            #expect(try ids(TokenFilter(scope: "ZohoCRM/crmapi", ownerID: ann.id, unusedSince: at(60))) == [a2.id])
            #expect(try store.tokenCount(TokenFilter(unusedSince: at(60)), atMost: nil) == 3)
            #expect(try store.tokenCount(TokenFilter(), atMost: nil) == 4)
            #expect(try store.tokenCount(TokenFilter(), atMost: 2) == 2)
            #expect(try store.tokenCount(TokenFilter(unusedSince: at(60)), atMost: 5) == 3)
            #expect(try store.tokenCount(TokenFilter(ownerID: bob.id), atMost: 0) == 0)
            let rows = try store.tokenInventory(TokenFilter(ownerID: bob.id), sort: .oldest, limit: 50, offset: 0)
            #expect(rows.map(\.ownerEmail) == ["bob@example.com", "bob@example.com"])
            #expect(rows.map(\.appPasswordName) == ["phone", nil])
            #expect(rows[0].token == (try store.token(id: b1.id)))
            #expect(rows[0].token.lastUsedFrom == "192.0.2.2")
            #expect(try store.token(id: 12345) == nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func theInventoryFindsTokensExpiredOrExpiringBy(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            var expiring = newToken(ann.id, "soon", createdAt: at(0))
            expiring.expiresAt = at(100)
            var expired = newToken(ann.id, "gone", createdAt: at(10))
            expired.expiresAt = at(50)
            var later = newToken(ann.id, "later", createdAt: at(20))
            later.expiresAt = at(1000)
            let soon = try store.insertToken(expiring, limit: 10)
            let gone = try store.insertToken(expired, limit: 10)
            let far = try store.insertToken(later, limit: 10)
            let never = try store.insertToken(newToken(ann.id, "never", createdAt: at(30)), limit: 10)
            func ids(_ filter: TokenFilter) throws -> [Int64] {
                try store.tokenInventory(filter, sort: .oldest, limit: 50, offset: 0).map(\.token.id)
            }
            #expect(try ids(TokenFilter()) == [soon.id, gone.id, far.id, never.id])
            #expect(try ids(TokenFilter(expiringBy: at(49))) == [])
            #expect(try ids(TokenFilter(expiringBy: at(50))) == [gone.id])
            #expect(try ids(TokenFilter(expiringBy: at(100))) == [soon.id, gone.id])
            #expect(try ids(TokenFilter(expiringBy: at(100_000))) == [soon.id, gone.id, far.id])
            #expect(try ids(TokenFilter(unusedSince: at(5), expiringBy: at(100_000))) == [soon.id])
            #expect(try store.tokenCount(TokenFilter(expiringBy: at(100)), atMost: nil) == 2)
            #expect(try store.tokenInventory(TokenFilter(), sort: .oldest, limit: 50, offset: 0).map(\.token.expiresAt)
                == [at(100), at(50), at(1000), nil])
            #expect(try store.deleteTokens(TokenFilter(expiringBy: at(50)), expected: 1)?.map(\.id) == [gone.id])
        }
    }

    @Test(arguments: Backend.allCases)
    func bulkDeletionHappensOnlyWhenTheCountStillHolds(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            let a1 = try store.insertToken(newToken(ann.id, "a1", createdAt: at(0)), limit: 10)
            let b1 = try store.insertToken(newToken(bob.id, "b1", createdAt: at(5)), limit: 10)
            let kept = try store.insertToken(newToken(bob.id, "b2", createdAt: at(100)), limit: 10)
            let old = TokenFilter(unusedSince: at(50))
            #expect(try store.deleteTokens(old, expected: 3) == nil)
            #expect(try store.deleteTokens(old, expected: 1) == nil)
            #expect(try store.tokenCount(TokenFilter(), atMost: nil) == 3)
            let deleted = try store.deleteTokens(old, expected: 2)
            #expect(deleted?.map(\.id) == [a1.id, b1.id])
            #expect(try store.tokenInventory(TokenFilter(), sort: .newest, limit: 50, offset: 0).map(\.token.id) == [kept.id])
            #expect(try store.grant(digest: "a1") == nil)
            #expect(try store.deleteTokens(old, expected: 0) == [])
        }
    }

    @Test(arguments: Backend.allCases)
    func bulkAppPasswordDeletionHappensOnlyWhenTheCountStillHoldsAndKeepsTheirTokens(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            func password(_ owner: Int64, _ name: String, _ seconds: Double) throws -> AppPasswordRecord {
                try store.insertAppPassword(accountID: owner, name: name, passwordHash: "h-" + name,
                                            lookupDigest: "l-" + name, createdAt: at(seconds), limit: 5)
            }
            let annOld = try password(ann.id, "ann old", 0)
            let bobOld = try password(bob.id, "bob old", 5)
            let bobUsed = try password(bob.id, "bob used", 10)
            let bobNew = try password(bob.id, "bob new", 100)
            try store.touchAppPassword(id: bobUsed.id, at: at(60))
            let token = try store.insertToken(newToken(bob.id, "b1", appPasswordID: bobOld.id), limit: 10)
            // Not used since 50: annOld and bobOld (never used, made before); bobUsed was used at 60.
            #expect(try store.deleteAppPasswords(ownerID: nil, unusedSince: at(50), expected: 3) == nil)
            #expect(try store.deleteAppPasswords(ownerID: nil, unusedSince: at(50), expected: 1) == nil)
            #expect(try store.appPasswordCount(ownerID: nil, unusedSince: nil) == 4)
            let deleted = try store.deleteAppPasswords(ownerID: nil, unusedSince: at(50), expected: 2)
            #expect(deleted == [annOld, bobOld])
            #expect(try store.appPasswords(accountID: ann.id) == [])
            #expect(try store.appPasswords(accountID: bob.id).map(\.id) == [bobUsed.id, bobNew.id])
            #expect(try store.appPassword(accountID: bob.id, lookupDigest: "l-bob old") == nil)
            // The token it got stays, still naming it (the inventory shows it as revoked).
            #expect(try store.token(id: token.id)?.appPasswordID == bobOld.id)
            #expect(try store.grant(digest: "b1") != nil)
            // By owner alone; and a filter matching nothing deletes nothing.
            #expect(try store.deleteAppPasswords(ownerID: ann.id, unusedSince: nil, expected: 0) == [])
            #expect(try store.deleteAppPasswords(ownerID: bob.id, unusedSince: nil, expected: 1) == nil)
            #expect(try store.deleteAppPasswords(ownerID: bob.id, unusedSince: nil, expected: 2)?.map(\.id)
                == [bobUsed.id, bobNew.id])
            #expect(try store.appPasswordCount(ownerID: nil, unusedSince: nil) == 0)
        }
    }

    @Test(arguments: Backend.allCases)
    func appPasswordsAndActivityAcrossAccounts(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            let p1 = try store.insertAppPassword(accountID: ann.id, name: "laptop", passwordHash: "h1", lookupDigest: "l1",
                                                 createdAt: t0, limit: 5)
            let p2 = try store.insertAppPassword(accountID: bob.id, name: "phone", passwordHash: "h2", lookupDigest: "l2",
                                                 createdAt: at(1), limit: 5)
            _ = try store.insertToken(newToken(bob.id, "b1", appPasswordID: p2.id), limit: 10)
            let rows = try store.appPasswordInventory(ownerID: nil, unusedSince: nil, limit: 50, offset: 0)
            #expect(rows.map(\.appPassword.id) == [p2.id, p1.id])
            #expect(rows.map(\.ownerEmail) == ["bob@example.com", "ann@example.com"])
            #expect(rows.map(\.tokenCount) == [1, 0])
            #expect(try store.appPasswordInventory(ownerID: ann.id, unusedSince: nil, limit: 50, offset: 0)
                .map(\.appPassword) == [p1])
            #expect(try store.appPasswordInventory(ownerID: nil, unusedSince: nil, limit: 1, offset: 1)
                .map(\.appPassword.id) == [p1.id])
            #expect(try store.appPasswordCount(ownerID: nil, unusedSince: nil) == 2)
            #expect(try store.appPasswordCount(ownerID: bob.id, unusedSince: nil) == 1)
            // p1 made at 0, never used; p2 made at 1, used at 50 (times are whole seconds).
            try store.touchAppPassword(id: p2.id, at: at(50))
            #expect(try store.appPasswordInventory(ownerID: nil, unusedSince: at(1), limit: 50, offset: 0)
                .map(\.appPassword.id) == [p1.id])
            #expect(try store.appPasswordInventory(ownerID: nil, unusedSince: at(60), limit: 50, offset: 0)
                .map(\.appPassword.id) == [p2.id, p1.id])
            #expect(try store.appPasswordCount(ownerID: nil, unusedSince: at(40)) == 1)
            #expect(try store.appPasswordCount(ownerID: bob.id, unusedSince: at(60)) == 1)

            for (seconds, account, kind) in [(0.0, ann.id, ActivityKind.signIn), (100, bob.id, .admin),
                                             (200, ann.id, .adminAudit), (300, nil, .signInFailed)] as [(Double, Int64?, ActivityKind)] {
                try store.insertActivity(NewActivity(at: at(seconds), accountID: account, kind: kind, address: "a",
                                                     userAgent: "u", detail: "d\(Int(seconds))"))
            }
            func details(_ filter: ActivityFilter, limit: Int = 50, offset: Int = 0) throws -> [String] {
                try store.activity(filter, limit: limit, offset: offset).map(\.entry.detail)
            }
            #expect(try details(ActivityFilter()) == ["d300", "d200", "d100", "d0"])
            #expect(try details(ActivityFilter(accountID: ann.id)) == ["d200", "d0"])
            #expect(try details(ActivityFilter(kind: .adminAudit)) == ["d200"])
            #expect(try details(ActivityFilter(from: at(100), until: at(300))) == ["d200", "d100"])
            #expect(try details(ActivityFilter(), limit: 2, offset: 1) == ["d200", "d100"])
        }
    }
}
