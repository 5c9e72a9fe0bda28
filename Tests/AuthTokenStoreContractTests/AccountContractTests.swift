import AuthTokenStore
import Foundation
import Testing

@Suite struct AccountContractTests {
    @Test(arguments: Backend.allCases)
    func createsAndReadsAccountsByIdAndEmailKey(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("Ann@Example.com", confirmed: true, createdAt: at(0.9)))
            let bob = try store.createAccount(newAccount("bob@example.com", active: false))
            #expect(ann == Account(
                id: ann.id, email: "Ann@Example.com", displayName: "Name of Ann@Example.com",
                passwordHash: "$argon2id$hash-Ann@Example.com", confirmed: true, active: true, createdAt: t0))
            #expect(bob.id > ann.id)
            #expect(try store.account(id: ann.id) == ann)
            #expect(try store.account(email: "ann@example.com") == ann)
            #expect(try store.account(email: "ANN@EXAMPLE.COM") == ann)
            #expect(try store.account(email: "Ann@Example.com")?.email == "Ann@Example.com")
            #expect(try store.account(email: "ann@example.org") == nil)
            #expect(try store.account(id: bob.id + 1000) == nil)
            #expect(try store.accounts() == [ann, bob])
        }
    }

    @Test(arguments: Backend.allCases)
    func anAccountKeepsItsOriginAndOnlyTheLinkChangesIt(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let local = try store.createAccount(newAccount("local@example.com"))
            var fromDirectory = newAccount("dir@example.com", confirmed: true)
            fromDirectory.passwordHash = Account.noPassword
            fromDirectory.origin = .directory
            let directory = try store.createAccount(fromDirectory)
            #expect(local.origin == .local)
            #expect(directory.origin == .directory)
            #expect(try store.account(id: directory.id)?.origin == .directory)
            #expect(try store.account(email: "local@example.com")?.origin == .local)
            #expect(try store.accountList(AccountFilter(now: t0), limit: 10, offset: 0).sorted { $0.account.id < $1.account.id }.map(\.account.origin) == [.local, .directory])
            #expect(try store.setOrigin(accountID: local.id, .directory))
            #expect(try store.account(id: local.id)?.origin == .directory)
            #expect(try store.account(id: directory.id)?.origin == .directory)
            #expect(try !store.setOrigin(accountID: directory.id + 1000, .local))
        }
    }

    @Test(arguments: Backend.allCases)
    func theEmailKeyIsUniqueWhateverTheCaseAndUnicodeAware(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let first = try store.createAccount(newAccount("Ärger@Example.com"))
            #expect(throws: StoreError.duplicateEmail) { try store.createAccount(newAccount("äRGER@example.COM")) }
            #expect(throws: StoreError.duplicateEmail) { try store.createAccount(newAccount("Ärger@Example.com")) }
            #expect(try store.account(email: "ÄRGER@EXAMPLE.COM") == first)
            #expect(try store.accounts().count == 1)
            // The store is usable after the refusal (no transaction left open).
            #expect(try store.createAccount(newAccount("other@example.com")).email == "other@example.com")
        }
    }

    @Test(arguments: Backend.allCases)
    func concurrentSignUpsWithOneEmailKeyMakeOneAccount(_ backend: Backend) throws {
        try withStore(backend) { fixture, store throws in
            let other = try fixture.reopen()
            let results = race(16, fixture, stores: [store, other]) { index, store in
                try store.createAccount(newAccount(index % 2 == 0 ? "Race@example.com" : "race@EXAMPLE.com"))
            }
            #expect(results.compactMap(\.value).count == 1)
            #expect(results.compactMap { $0.failure as? StoreError }.count == 15)
            #expect(results.compactMap { $0.failure as? StoreError }.allSatisfy { $0 == .duplicateEmail })
            #expect(try store.accounts().count == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func settersChangeOneAccountAndSayWhetherItExists(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            #expect(try store.setConfirmed(accountID: ann.id, true))
            #expect(try store.setActive(accountID: ann.id, false))
            #expect(try store.setPasswordHash(accountID: ann.id, "$argon2id$new"))
            var expected = ann
            expected.confirmed = true
            expected.active = false
            expected.passwordHash = "$argon2id$new"
            #expect(try store.account(id: ann.id) == expected)
            #expect(try store.account(id: bob.id) == bob)
            #expect(try store.setConfirmed(accountID: ann.id, false))
            #expect(try store.account(id: ann.id)?.confirmed == false)
            #expect(try store.setActive(accountID: ann.id, true))
            #expect(try store.account(id: ann.id)?.active == true)
            let missing = bob.id + 1000
            #expect(try !store.setConfirmed(accountID: missing, true))
            #expect(try !store.setActive(accountID: missing, true))
            #expect(try !store.setPasswordHash(accountID: missing, "x"))
        }
    }

    @Test(arguments: Backend.allCases)
    func theAdminFlagIsOffByDefaultAndSetPerAccount(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            #expect(ann.admin == false)
            #expect(try store.setAdmin(accountID: ann.id, true))
            #expect(try store.account(id: ann.id)?.admin == true)
            #expect(try store.account(email: "ann@example.com")?.admin == true)
            #expect(try store.accounts().map(\.admin) == [true, false])
            try store.createSession(digest: "d1", accountID: ann.id, at: t0)
            #expect(try store.session(digest: "d1")?.account.admin == true)
            #expect(try store.setAdmin(accountID: ann.id, false))
            #expect(try store.session(digest: "d1")?.account.admin == false)
            #expect(try store.account(id: bob.id)?.admin == false)
            #expect(try !store.setAdmin(accountID: bob.id + 1000, true))
        }
    }

    /// The protocol has no account deletion; an administrator's `DELETE FROM account` (the
    /// backend's own SQL) takes everything of the account with it.
    @Test(arguments: Backend.allCases)
    func deletingAnAccountCascadesToEverythingItOwns(_ backend: Backend) throws {
        try withStore(backend) { fixture, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            for owner in [ann, bob] {
                let tag = owner.email.prefix(3)
                let app = try store.insertAppPassword(
                    accountID: owner.id, name: "phone", passwordHash: "h", lookupDigest: "l-\(tag)", createdAt: t0, limit: 5)
                _ = try store.insertToken(newToken(owner.id, "token-\(tag)", appPasswordID: app.id), limit: 10)
                try store.createSession(digest: "session-\(tag)", accountID: owner.id, at: t0)
                try store.createConfirmation(digest: "confirm-\(tag)", accountID: owner.id, expiresAt: at(3600))
                try store.createPendingSignIn(digest: "pending-\(tag)", accountID: owner.id, expiresAt: at(3600))
                #expect(try store.storePendingTwoFactor(accountID: owner.id, sealedSecret: [1, 2, 3]))
                #expect(try store.enableTwoFactor(
                    accountID: owner.id, sealedSecret: [1, 2, 3], step: 5, recoveryDigests: ["r1-\(tag)", "r2-\(tag)"],
                    keepSession: "session-\(tag)"))
                try store.insertActivity(NewActivity(
                    at: t0, accountID: owner.id, kind: .signIn, address: "192.0.2.1", userAgent: "ua", detail: ""))
            }
            _ = try store.countAttempt(key: "account:\(ann.id)", now: t0, window: 600)

            try fixture.deleteAccount(id: ann.id)

            #expect(try store.account(id: ann.id) == nil)
            #expect(try store.tokens(accountID: ann.id) == [])
            #expect(try store.token(digest: "token-ann") == nil)
            #expect(try store.grant(digest: "token-ann") == nil)
            #expect(try store.session(digest: "session-ann") == nil)
            #expect(try store.useConfirmation(digest: "confirm-ann", now: t0) == nil)
            #expect(try store.takePendingSignIn(digest: "pending-ann", now: t0) == nil)
            #expect(try store.twoFactor(accountID: ann.id) == nil)
            #expect(try store.recoveryCodeCount(accountID: ann.id) == 0)
            #expect(try store.appPasswords(accountID: ann.id) == [])
            #expect(try store.activity(accountID: ann.id, limit: 10) == [])
            // Counters are keyed by text, not tied to the account: they stay until cleared.
            #expect(try store.clearFailures(key: "account:\(ann.id)"))

            // Bob keeps everything.
            #expect(try store.tokens(accountID: bob.id).count == 1)
            #expect(try store.grant(digest: "token-bob")?.accountID == bob.id)
            #expect(try store.session(digest: "session-bob")?.account.id == bob.id)
            #expect(try store.twoFactor(accountID: bob.id)?.enabled == true)
            #expect(try store.recoveryCodeCount(accountID: bob.id) == 2)
            #expect(try store.appPasswords(accountID: bob.id).count == 1)
            #expect(try store.activity(accountID: bob.id, limit: 10).count == 1)
            #expect(try store.takePendingSignIn(digest: "pending-bob", now: t0) == bob.id)
            #expect(try store.useConfirmation(digest: "confirm-bob", now: t0) == bob.id)
        }
    }

    @Test(arguments: Backend.allCases)
    func migrationsAreRecordedOnceAndReopeningKeepsTheData(_ backend: Backend) throws {
        try withStore(backend) { fixture, store throws in
            let applied = try fixture.appliedMigrations(store)
            #expect(applied.first == "2026-11-29-accounts")
            #expect(applied.contains("2026-11-29-hardening-activity"))
            #expect(Set(applied).count == applied.count)
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let again = try fixture.reopen()
            #expect(try fixture.appliedMigrations(again) == applied)
            #expect(try again.account(email: "ann@example.com") == ann)
            fixture.threadEnds(again)
        }
    }
}
