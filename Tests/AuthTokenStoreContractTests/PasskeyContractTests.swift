import AuthTokenStore
import Foundation
import Testing

@Suite struct PasskeyContractTests {
    func insert(_ store: some AuthStore, _ accountID: Int64, _ credential: UInt8, name: String = "key", limit: Int = 5)
        throws -> PasskeyRecord
    {
        try store.insertPasskey(
            accountID: accountID, credentialID: [credential, 1, 2], publicKey: [0xa5, credential], signCount: 3, name: name,
            createdAt: at(0.7), limit: limit)
    }

    @Test(arguments: Backend.allCases)
    func insertsListsFindsRenamesAndDeletesPerAccount(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            let yubikey = try insert(store, ann.id, 1, name: "YubiKey")
            #expect(yubikey == PasskeyRecord(
                id: yubikey.id, accountID: ann.id, credentialID: [1, 1, 2], publicKey: [0xa5, 1], signCount: 3,
                name: "YubiKey", createdAt: t0, lastUsedAt: nil))
            let phone = try insert(store, ann.id, 2, name: "phone")
            let bobs = try insert(store, bob.id, 3)
            #expect(try store.passkeys(accountID: ann.id) == [yubikey, phone])
            #expect(try store.passkeyCount(accountID: ann.id) == 2)
            #expect(try store.passkey(accountID: ann.id, credentialID: [1, 1, 2]) == yubikey)
            // Another account's credential is never found for this one.
            #expect(try store.passkey(accountID: ann.id, credentialID: [3, 1, 2]) == nil)
            #expect(try !store.renamePasskey(id: bobs.id, accountID: ann.id, name: "mine"))
            #expect(try store.renamePasskey(id: phone.id, accountID: ann.id, name: "work phone"))
            #expect(try store.passkeys(accountID: ann.id).map(\.name) == ["YubiKey", "work phone"])
            #expect(try !store.deletePasskey(id: bobs.id, accountID: ann.id))
            #expect(try store.deletePasskey(id: yubikey.id, accountID: ann.id))
            #expect(try !store.deletePasskey(id: yubikey.id, accountID: ann.id))
            #expect(try store.passkeys(accountID: ann.id).map(\.id) == [phone.id])
            #expect(try store.passkeys(accountID: bob.id) == [bobs])
        }
    }

    @Test(arguments: Backend.allCases)
    func aCredentialIsRegisteredOnceAndTheCapHolds(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            _ = try insert(store, ann.id, 1, limit: 2)
            #expect(throws: StoreError.duplicateCredential) { try insert(store, bob.id, 1) }
            _ = try insert(store, ann.id, 2, limit: 2)
            #expect(throws: StoreError.passkeyLimitReached(limit: 2)) { try insert(store, ann.id, 3, limit: 2) }
            #expect(try store.passkeyCount(accountID: ann.id) == 2 && store.passkeyCount(accountID: bob.id) == 0)
        }
    }

    @Test(arguments: Backend.allCases)
    func theCounterMovesOnlyFromTheValueVerified(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let key = try insert(store, ann.id, 1)
            #expect(try store.usePasskey(id: key.id, oldSignCount: 3, newSignCount: 4, at: at(10.9)))
            #expect(try !store.usePasskey(id: key.id, oldSignCount: 3, newSignCount: 4, at: at(11)))
            let used = try #require(try store.passkey(accountID: ann.id, credentialID: key.credentialID))
            #expect(used.signCount == 4 && used.lastUsedAt == at(10))
        }
    }

    @Test(arguments: Backend.allCases)
    func aChallengeWorksOnceForItsAccountAndPurposeUntilItExpires(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            try store.storePasskeyChallenge(digest: "c1", accountID: ann.id, purpose: "sign-in", expiresAt: at(300))
            #expect(try store.takePasskeyChallenge(digest: "c1", accountID: ann.id, purpose: "sign-in", now: at(10)))
            #expect(try !store.takePasskeyChallenge(digest: "c1", accountID: ann.id, purpose: "sign-in", now: at(10)))
            // Taken by the wrong account, the wrong purpose or too late: refused, and gone.
            for (account, purpose, now) in [(bob.id, "sign-in", at(10)), (ann.id, "register", at(10)), (ann.id, "sign-in", at(300))] {
                try store.storePasskeyChallenge(digest: "c2", accountID: ann.id, purpose: "sign-in", expiresAt: at(300))
                #expect(try !store.takePasskeyChallenge(digest: "c2", accountID: account, purpose: purpose, now: now))
                #expect(try !store.takePasskeyChallenge(digest: "c2", accountID: ann.id, purpose: "sign-in", now: at(10)))
            }
            try store.storePasskeyChallenge(digest: "old", accountID: ann.id, purpose: "sign-in", expiresAt: at(300))
            try store.storePasskeyChallenge(digest: "new", accountID: ann.id, purpose: "sign-in", expiresAt: at(900))
            let swept = try store.deleteExpired(now: at(300), activityBefore: nil, countersBefore: t0)
            #expect(swept.passkeyChallenges == 1)
            #expect(try store.takePasskeyChallenge(digest: "new", accountID: ann.id, purpose: "sign-in", now: at(301)))
        }
    }

    @Test(arguments: Backend.allCases)
    func turningTwoFactorOffRemovesTheKeysAndTheirChallenges(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            _ = try insert(store, ann.id, 1)
            let bobs = try insert(store, bob.id, 2)
            try store.storePasskeyChallenge(digest: "c", accountID: ann.id, purpose: "sign-in", expiresAt: at(300))
            #expect(try store.disableTwoFactor(accountID: ann.id))
            #expect(try store.passkeys(accountID: ann.id).isEmpty)
            #expect(try !store.takePasskeyChallenge(digest: "c", accountID: ann.id, purpose: "sign-in", now: at(1)))
            #expect(try store.passkeys(accountID: bob.id) == [bobs])
            #expect(try !store.disableTwoFactor(accountID: ann.id))
        }
    }
}
