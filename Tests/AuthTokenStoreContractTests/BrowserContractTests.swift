import AuthTokenStore
import Foundation
import Testing

@Suite struct BrowserContractTests {
    @Test(arguments: Backend.allCases)
    func sessionsAreCreatedReadTouchedAndDeleted(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com", confirmed: true))
            try store.createSession(digest: "s1", accountID: ann.id, at: at(10.7))
            #expect(try store.session(digest: "s1") == SessionRecord(digest: "s1", createdAt: at(10), lastSeenAt: at(10), account: ann))
            try store.touchSession(digest: "s1", at: at(70.2))
            #expect(try store.session(digest: "s1") == SessionRecord(digest: "s1", createdAt: at(10), lastSeenAt: at(70), account: ann))
            try store.touchSession(digest: "unknown", at: at(70))
            #expect(try store.session(digest: "unknown") == nil)
            #expect(throws: (any Error).self) { try store.createSession(digest: "s1", accountID: ann.id, at: t0) }
            #expect(throws: (any Error).self) { try store.createSession(digest: "s2", accountID: ann.id + 1000, at: t0) }
            #expect(try store.deleteSession(digest: "s1"))
            #expect(try !store.deleteSession(digest: "s1"))
            #expect(try store.session(digest: "s1") == nil)
        }
    }

    /// Whether the sign-in took a two-factor code is kept with the session (the
    /// administrators' pages ask for it).
    @Test(arguments: Backend.allCases)
    func aSessionKeepsWhetherItsSignInTookACode(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com", confirmed: true))
            try store.createSession(digest: "with", accountID: ann.id, at: t0, address: "192.0.2.1", userAgent: "x",
                                    secondFactor: true)
            try store.createSession(digest: "without", accountID: ann.id, at: t0)
            #expect(try store.session(digest: "with")?.secondFactor == true)
            #expect(try store.session(digest: "without")?.secondFactor == false)
        }
    }

    @Test(arguments: Backend.allCases)
    func aDeactivatedAccountsSessionIsNotReturned(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            try store.createSession(digest: "s1", accountID: ann.id, at: t0)
            #expect(try store.setActive(accountID: ann.id, false))
            #expect(try store.session(digest: "s1") == nil)
            #expect(try store.setActive(accountID: ann.id, true))
            #expect(try store.session(digest: "s1")?.account.active == true)
            // The account read with the session is current.
            #expect(try store.setConfirmed(accountID: ann.id, true))
            #expect(try store.session(digest: "s1")?.account.confirmed == true)
        }
    }

    @Test(arguments: Backend.allCases)
    func expiredSessionsAreDeletedByIdleOrAge(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            try store.createSession(digest: "old-but-busy", accountID: ann.id, at: at(0))
            try store.touchSession(digest: "old-but-busy", at: at(1000))
            try store.createSession(digest: "idle", accountID: bob.id, at: at(500))
            try store.createSession(digest: "edge", accountID: ann.id, at: at(600))
            try store.createSession(digest: "fresh", accountID: bob.id, at: at(1000))
            // Idle before 600 (strictly), or created before 100 (strictly).
            #expect(try store.deleteExpiredSessions(idleBefore: at(600), createdBefore: at(100)) == 2)
            #expect(try store.session(digest: "old-but-busy") == nil)
            #expect(try store.session(digest: "idle") == nil)
            #expect(try store.session(digest: "edge") != nil)
            #expect(try store.session(digest: "fresh") != nil)
            #expect(try store.deleteExpiredSessions(idleBefore: at(600), createdBefore: at(100)) == 0)
            #expect(try store.deleteExpiredSessions(idleBefore: at(1001), createdBefore: t0) == 2)
        }
    }

    @Test(arguments: Backend.allCases)
    func aConfirmationLinkWorksOnceAndConfirms(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            try store.createConfirmation(digest: "c1", accountID: ann.id, expiresAt: at(100))
            try store.createConfirmation(digest: "c2", accountID: bob.id, expiresAt: at(100))
            #expect(try store.useConfirmation(digest: "unknown", now: t0) == nil)
            #expect(try store.useConfirmation(digest: "c1", now: at(99.9)) == ann.id)
            #expect(try store.account(id: ann.id)?.confirmed == true)
            #expect(try store.account(id: bob.id)?.confirmed == false)
            #expect(try store.useConfirmation(digest: "c1", now: at(0)) == nil)
            // Expired at its expiry second, and then gone even for an earlier clock.
            #expect(try store.useConfirmation(digest: "c2", now: at(100)) == nil)
            #expect(try store.useConfirmation(digest: "c2", now: at(0)) == nil)
            #expect(try store.account(id: bob.id)?.confirmed == false)
        }
    }

    @Test(arguments: Backend.allCases)
    func twoClicksAtOnceConfirmOnce(_ backend: Backend) throws {
        try withStore(backend) { fixture, store throws in
            let accounts = try (0..<4).map { try store.createAccount(newAccount("user\($0)@example.com")) }
            for account in accounts {
                try store.createConfirmation(digest: "link-\(account.id)", accountID: account.id, expiresAt: at(100))
            }
            let other = try fixture.reopen()
            let results = race(24, fixture, stores: [store, other]) { index, store in
                try store.useConfirmation(digest: "link-\(accounts[index % 4].id)", now: t0)
            }
            #expect(results.allSatisfy { $0.failure == nil })
            let winners = results.compactMap { $0.value ?? nil }
            #expect(winners.sorted() == accounts.map(\.id).sorted())
            #expect(try store.accounts().allSatisfy(\.confirmed))
        }
    }

    /// The pre-registration hijack: a second registration of an unconfirmed address takes
    /// the account over (new password, new spelling, one new link), and the first
    /// registrant's link is dead.
    @Test(arguments: Backend.allCases)
    func registeringAnUnconfirmedAddressAgainReplacesItAndItsLinks(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            try store.createConfirmation(digest: "attacker-1", accountID: ann.id, expiresAt: at(100))
            try store.createConfirmation(digest: "attacker-2", accountID: ann.id, expiresAt: at(100))
            try store.createConfirmation(digest: "bob-link", accountID: bob.id, expiresAt: at(100))
            let again = NewAccount(email: "Ann@example.com", displayName: "Ann", passwordHash: "$argon2id$victim",
                                   confirmed: false, createdAt: at(5))
            #expect(try store.restartRegistration(accountID: ann.id, again, linkDigest: "victim", linkExpiresAt: at(105)))
            #expect(try store.account(id: ann.id) == Account(
                id: ann.id, email: "Ann@example.com", displayName: "Ann", passwordHash: "$argon2id$victim",
                confirmed: false, active: true, createdAt: at(5)))
            #expect(try store.useConfirmation(digest: "attacker-1", now: t0) == nil)
            #expect(try store.useConfirmation(digest: "attacker-2", now: t0) == nil)
            #expect(try store.account(id: ann.id)?.confirmed == false)
            #expect(try store.useConfirmation(digest: "victim", now: at(104)) == ann.id)
            #expect(try store.useConfirmation(digest: "bob-link", now: t0) == bob.id)  // other accounts untouched

            // Confirmed: nothing changes, and no link is made.
            let later = NewAccount(email: "ann@example.com", displayName: "X", passwordHash: "$argon2id$late",
                                   confirmed: false, createdAt: at(9))
            #expect(try !store.restartRegistration(accountID: ann.id, later, linkDigest: "late", linkExpiresAt: at(200)))
            #expect(try store.account(id: ann.id)?.passwordHash == "$argon2id$victim")
            #expect(try store.useConfirmation(digest: "late", now: t0) == nil)
            #expect(try !store.restartRegistration(accountID: 9999, later, linkDigest: "none", linkExpiresAt: at(200)))
        }
    }
}
