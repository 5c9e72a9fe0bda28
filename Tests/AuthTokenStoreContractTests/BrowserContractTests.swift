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

    /// Registration takeover (issue 20, item 3): each registration's link holds its own
    /// password; a later registration never changes what an earlier link confirms, nor the
    /// account's password; the link used sets its password and ends the others.
    @Test(arguments: Backend.allCases)
    func eachRegistrationLinkConfirmsItsOwnPasswordOnly(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            var pending = newAccount("ann@example.com")
            pending.passwordHash = Account.noPassword
            let ann = try store.createAccount(pending)
            let bob = try store.createAccount(newAccount("bob@example.com"))
            #expect(try store.addRegistrationLink(
                digest: "owner", accountID: ann.id, expiresAt: at(100), passwordHash: "$argon2id$owner", displayName: "Ann"))
            #expect(try store.addRegistrationLink(
                digest: "outsider", accountID: ann.id, expiresAt: at(100), passwordHash: "$argon2id$outsider",
                displayName: "Eve"))
            #expect(try store.account(id: ann.id) == Account(
                id: ann.id, email: "ann@example.com", displayName: "Name of ann@example.com",
                passwordHash: Account.noPassword, confirmed: false, active: true, createdAt: t0))
            #expect(try store.useConfirmation(digest: "owner", now: at(99)) == ann.id)
            #expect(try store.account(id: ann.id) == Account(
                id: ann.id, email: "ann@example.com", displayName: "Ann", passwordHash: "$argon2id$owner",
                confirmed: true, active: true, createdAt: t0))
            #expect(try store.useConfirmation(digest: "outsider", now: t0) == nil)  // ended with the confirmation
            #expect(try store.account(id: ann.id)?.passwordHash == "$argon2id$owner")
            // A confirmed account, or one with a password (an administrator's), takes no link.
            #expect(try !store.addRegistrationLink(
                digest: "late", accountID: ann.id, expiresAt: at(100), passwordHash: "$argon2id$late", displayName: "X"))
            #expect(try !store.addRegistrationLink(
                digest: "admin-made", accountID: bob.id, expiresAt: at(100), passwordHash: "$argon2id$x", displayName: "X"))
            #expect(try !store.addRegistrationLink(
                digest: "none", accountID: 9999, expiresAt: at(100), passwordHash: "$argon2id$x", displayName: "X"))
            #expect(try store.useConfirmation(digest: "late", now: t0) == nil)
            #expect(try store.useConfirmation(digest: "admin-made", now: t0) == nil)
            #expect(try store.account(id: bob.id) == (try store.account(email: "bob@example.com")))
            #expect(try store.account(id: bob.id)?.confirmed == false)
        }
    }

    /// An administrator confirmed an account still waiting for its link (no password):
    /// a registration's link may still give it its password, but never replaces one.
    @Test(arguments: Backend.allCases)
    func aRegistrationLinkNeverReplacesAPassword(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            var pending = newAccount("ann@example.com")
            pending.passwordHash = Account.noPassword
            let ann = try store.createAccount(pending)
            #expect(try store.addRegistrationLink(
                digest: "first", accountID: ann.id, expiresAt: at(100), passwordHash: "$argon2id$first", displayName: "A"))
            #expect(try store.addRegistrationLink(
                digest: "second", accountID: ann.id, expiresAt: at(100), passwordHash: "$argon2id$second", displayName: "B"))
            #expect(try store.setConfirmed(accountID: ann.id, true))
            #expect(try store.setPasswordHash(accountID: ann.id, "$argon2id$reset"))
            #expect(try store.useConfirmation(digest: "first", now: t0) == nil)
            #expect(try store.account(id: ann.id)?.passwordHash == "$argon2id$reset")
            #expect(try store.account(id: ann.id)?.displayName == "Name of ann@example.com")
        }
    }

    /// An administrator's `user confirm` of a registration still waiting for its link
    /// confirms the account without a password; a later registration must not then give it
    /// one: a confirmed account takes no registration link, password or not.
    @Test(arguments: Backend.allCases)
    func aConfirmedAccountTakesNoRegistrationLink(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            var pending = newAccount("ann@example.com")
            pending.passwordHash = Account.noPassword
            let ann = try store.createAccount(pending)
            #expect(try store.setConfirmed(accountID: ann.id, true))
            #expect(try !store.addRegistrationLink(
                digest: "late", accountID: ann.id, expiresAt: at(100), passwordHash: "$argon2id$outsider", displayName: "E"))
            #expect(try store.useConfirmation(digest: "late", now: t0) == nil)
            #expect(try store.account(id: ann.id)?.passwordHash == Account.noPassword)
        }
    }

    /// Parallel registrations of one address, with clicks in between: whichever link
    /// confirms, the account ends with exactly that link's password.
    @Test(arguments: Backend.allCases)
    func parallelRegistrationsAndClicksConfirmOneLinksPassword(_ backend: Backend) throws {
        try withStore(backend) { fixture, store throws in
            var pending = newAccount("ann@example.com")
            pending.passwordHash = Account.noPassword
            let ann = try store.createAccount(pending)
            let other = try fixture.reopen()
            let results = race(24, fixture, stores: [store, other]) { index, store -> Int64? in
                if index % 2 == 0 {
                    _ = try store.addRegistrationLink(
                        digest: "link-\(index)", accountID: ann.id, expiresAt: at(100),
                        passwordHash: "$argon2id$pw-\(index)", displayName: "n")
                    return nil
                }
                return try store.useConfirmation(digest: "link-\(index - 1)", now: t0).map { _ in Int64(index - 1) }
            }
            #expect(results.allSatisfy { $0.failure == nil })
            let winners = results.compactMap { $0.value ?? nil }
            #expect(winners.count <= 1)
            let account = try #require(try store.account(id: ann.id))
            if let winner = winners.first {
                #expect(account.confirmed && account.passwordHash == "$argon2id$pw-\(winner)")
            } else {
                #expect(!account.confirmed && account.passwordHash == Account.noPassword)
            }
        }
    }
}
