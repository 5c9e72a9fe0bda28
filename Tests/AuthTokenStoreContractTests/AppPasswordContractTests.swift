import AuthTokenStore
import Foundation
import Testing

@Suite struct AppPasswordContractTests {
    @Test(arguments: Backend.allCases)
    func insertsListsFindsTouchesAndDeletesPerAccount(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            let phone = try store.insertAppPassword(
                accountID: ann.id, name: "phone", passwordHash: "$argon2id$p", lookupDigest: "L1", createdAt: at(0.8), limit: 5)
            #expect(phone == AppPasswordRecord(
                id: phone.id, accountID: ann.id, name: "phone", passwordHash: "$argon2id$p", createdAt: t0, lastUsedAt: nil))
            let laptop = try store.insertAppPassword(
                accountID: ann.id, name: "laptop", passwordHash: "$argon2id$l", lookupDigest: "L2", createdAt: t0, limit: 5)
            // The same lookup digest in another account is another password.
            let bobs = try store.insertAppPassword(
                accountID: bob.id, name: "phone", passwordHash: "$argon2id$b", lookupDigest: "L1", createdAt: t0, limit: 5)
            #expect(throws: (any Error).self) {
                try store.insertAppPassword(
                    accountID: ann.id, name: "again", passwordHash: "h", lookupDigest: "L1", createdAt: t0, limit: 5)
            }
            #expect(try store.appPasswords(accountID: ann.id) == [phone, laptop])
            #expect(try store.appPasswords(accountID: bob.id) == [bobs])
            #expect(try store.appPassword(accountID: ann.id, lookupDigest: "L1") == phone)
            #expect(try store.appPassword(accountID: bob.id, lookupDigest: "L1") == bobs)
            #expect(try store.appPassword(accountID: bob.id, lookupDigest: "L2") == nil)

            try store.touchAppPassword(id: phone.id, at: at(60.5))
            #expect(try store.appPassword(accountID: ann.id, lookupDigest: "L1")?.lastUsedAt == at(60))
            try store.touchAppPassword(id: phone.id, at: at(120))
            #expect(try store.appPassword(accountID: ann.id, lookupDigest: "L1")?.lastUsedAt == at(120))
            #expect(try store.appPassword(accountID: bob.id, lookupDigest: "L1")?.lastUsedAt == nil)

            #expect(try !store.deleteAppPassword(id: bobs.id, accountID: ann.id))
            #expect(try store.deleteAppPassword(id: phone.id, accountID: ann.id))
            #expect(try !store.deleteAppPassword(id: phone.id, accountID: ann.id))
            #expect(try store.appPasswords(accountID: ann.id) == [laptop])
            #expect(try store.appPasswords(accountID: bob.id) == [bobs])
        }
    }

    @Test(arguments: Backend.allCases)
    func tokensOutliveTheAppPasswordThatGotThem(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let app = try store.insertAppPassword(
                accountID: ann.id, name: "phone", passwordHash: "h", lookupDigest: "L", createdAt: t0, limit: 5)
            let token = try store.insertToken(newToken(ann.id, "t", appPasswordID: app.id), limit: 10)
            #expect(try store.deleteAppPassword(id: app.id, accountID: ann.id))
            #expect(try store.token(digest: "t") == token)
            #expect(try store.token(digest: "t")?.appPasswordID == app.id)
        }
    }

    @Test(arguments: Backend.allCases)
    func theCapRefusesAndChangesNothing(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            for n in 0..<2 {
                _ = try store.insertAppPassword(
                    accountID: ann.id, name: "n\(n)", passwordHash: "h", lookupDigest: "L\(n)", createdAt: t0, limit: 2)
            }
            #expect(throws: StoreError.appPasswordLimitReached(limit: 2)) {
                try store.insertAppPassword(accountID: ann.id, name: "x", passwordHash: "h", lookupDigest: "X", createdAt: t0, limit: 2)
            }
            #expect(try store.appPasswords(accountID: ann.id).map(\.name) == ["n0", "n1"])
            #expect(try store.appPassword(accountID: ann.id, lookupDigest: "X") == nil)
            #expect(throws: (any Error).self) {
                try store.insertAppPassword(
                    accountID: ann.id + 1000, name: "x", passwordHash: "h", lookupDigest: "X", createdAt: t0, limit: 2)
            }
        }
    }

    /// 30 threads on two instances against a limit of 5: exactly 5 get in.
    @Test(arguments: Backend.allCases)
    func theCapHoldsUnderConcurrentInserts(_ backend: Backend) throws {
        try withStore(backend) { fixture, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let other = try fixture.reopen()
            let results = race(30, fixture, stores: [store, other]) { index, store in
                try store.insertAppPassword(
                    accountID: ann.id, name: "n\(index)", passwordHash: "h", lookupDigest: "L\(index)", createdAt: t0, limit: 5)
            }
            #expect(results.compactMap(\.value).count == 5)
            let refusals = results.compactMap { $0.failure as? StoreError }
            #expect(refusals.count == 25)
            #expect(refusals.allSatisfy { $0 == .appPasswordLimitReached(limit: 5) })
            #expect(try store.appPasswords(accountID: ann.id).count == 5)
        }
    }
}
