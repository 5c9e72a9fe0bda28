import AuthTokenStore
import Foundation
import Testing

/// Sessions as their owner sees them, password changes and reset links.
@Suite struct PasswordContractTests {
    @Test(arguments: Backend.allCases)
    func sessionsAreListedNewestFirstAndEndedAllButOne(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            try store.createSession(digest: "s1", accountID: ann.id, at: t0, address: "192.0.2.1", userAgent: "Firefox")
            try store.createSession(digest: "s2", accountID: ann.id, at: at(10), address: "2001:db8::1", userAgent: "curl")
            try store.createSession(digest: "s3", accountID: ann.id, at: at(5))
            try store.createSession(digest: "b1", accountID: bob.id, at: t0)
            try store.touchSession(digest: "s1", at: at(20))
            #expect(try store.sessions(accountID: ann.id) == [
                SessionSummary(digest: "s1", createdAt: t0, lastSeenAt: at(20), address: "192.0.2.1", userAgent: "Firefox"),
                SessionSummary(digest: "s2", createdAt: at(10), lastSeenAt: at(10), address: "2001:db8::1", userAgent: "curl"),
                SessionSummary(digest: "s3", createdAt: at(5), lastSeenAt: at(5), address: "", userAgent: ""),
            ])
            #expect(try store.deleteSessions(accountID: ann.id, except: "s2") == 2)
            #expect(try store.sessions(accountID: ann.id).map(\.digest) == ["s2"])
            #expect(try store.deleteSessions(accountID: ann.id, except: nil) == 1)
            #expect(try store.sessions(accountID: ann.id).isEmpty)
            #expect(try store.session(digest: "b1") != nil)  // other accounts untouched
        }
    }

    @Test(arguments: Backend.allCases)
    func replacingAPasswordEndsSessionsSignInsAndResetLinks(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            for digest in ["keep", "other"] { try store.createSession(digest: digest, accountID: ann.id, at: t0) }
            try store.createSession(digest: "bob", accountID: bob.id, at: t0)
            try store.createPendingSignIn(digest: "half", accountID: ann.id, expiresAt: at(300))
            try store.createPasswordReset(digest: "reset", accountID: ann.id, expiresAt: at(3600))
            try store.createPasswordReset(digest: "bob-reset", accountID: bob.id, expiresAt: at(3600))
            #expect(try store.replacePassword(accountID: ann.id, hash: "$argon2id$new", keepSession: "keep"))
            #expect(try store.account(id: ann.id)?.passwordHash == "$argon2id$new")
            #expect(try store.sessions(accountID: ann.id).map(\.digest) == ["keep"])
            #expect(try store.takePendingSignIn(digest: "half", now: t0) == nil)
            #expect(try store.passwordReset(digest: "reset", now: t0) == nil)
            #expect(try store.session(digest: "bob") != nil)
            #expect(try store.passwordReset(digest: "bob-reset", now: t0) == bob.id)
            #expect(try store.replacePassword(accountID: ann.id, hash: "$argon2id$newer", keepSession: nil))
            #expect(try store.sessions(accountID: ann.id).isEmpty)
            #expect(try !store.replacePassword(accountID: 9999, hash: "x", keepSession: nil))
        }
    }

    @Test(arguments: Backend.allCases)
    func aResetLinkIsSeenUntilItExpiresAndTakenOnce(_ backend: Backend) throws {
        try withStore(backend) { fixture, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            try store.createPasswordReset(digest: "r1", accountID: ann.id, expiresAt: at(3600))
            try store.createPasswordReset(digest: "r2", accountID: ann.id, expiresAt: at(3600))
            #expect(try store.passwordReset(digest: "r1", now: at(3599)) == ann.id)
            #expect(try store.passwordReset(digest: "r1", now: at(3600)) == nil)
            #expect(try store.passwordReset(digest: "unknown", now: t0) == nil)
            #expect(try store.takePasswordReset(digest: "r2", now: at(3600)) == nil)  // expired, and now gone
            #expect(try store.takePasswordReset(digest: "r2", now: t0) == nil)
            let other = try fixture.reopen()
            let results = race(8, fixture, stores: [store, other]) { _, store in
                try store.takePasswordReset(digest: "r1", now: t0)
            }
            #expect(results.compactMap { $0.value ?? nil } == [ann.id])
        }
    }

    @Test(arguments: Backend.allCases)
    func unconfirmedAccountsPastTheirTimeAreRemovedWithTheirLinks(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let old = try store.createAccount(newAccount("old@example.com", confirmed: false, createdAt: t0))
            let young = try store.createAccount(newAccount("young@example.com", confirmed: false, createdAt: at(100)))
            let kept = try store.createAccount(newAccount("kept@example.com", confirmed: true, createdAt: t0))
            try store.createConfirmation(digest: "old-link", accountID: old.id, expiresAt: at(1000))
            #expect(try store.deleteUnconfirmedAccounts(createdBefore: at(100)) == 1)
            #expect(try store.account(id: old.id) == nil)
            #expect(try store.useConfirmation(digest: "old-link", now: t0) == nil)
            #expect(try store.account(id: young.id) != nil && store.account(id: kept.id) != nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func retentionRemovesWhatHasRunOutAndNothingElse(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            try store.createConfirmation(digest: "old-link", accountID: ann.id, expiresAt: at(100))
            try store.createConfirmation(digest: "new-link", accountID: ann.id, expiresAt: at(101))
            try store.createPendingSignIn(digest: "old-half", accountID: ann.id, expiresAt: at(100))
            try store.createPasswordReset(digest: "old-reset", accountID: ann.id, expiresAt: at(50))
            try store.createPasswordReset(digest: "new-reset", accountID: ann.id, expiresAt: at(500))
            for (seconds, detail) in [(0.0, "oldest"), (10.0, "old"), (20.0, "kept")] {
                try store.insertActivity(NewActivity(at: at(seconds), accountID: ann.id, kind: .signIn, address: "",
                                                     userAgent: "", detail: detail))
            }
            _ = try store.countAttempt(key: "address:old", now: t0, window: 600)
            _ = try store.countAttempt(key: "address:blocked", now: t0, window: 600)
            #expect(try store.startBlock(key: "address:blocked", until: at(1000), now: t0))
            _ = try store.countAttempt(key: "address:fresh", now: at(90), window: 600)
            let counts = try store.deleteExpired(now: at(100), activityBefore: at(20), countersBefore: at(50))
            var expected = RetentionCounts()
            (expected.confirmationLinks, expected.pendingSignIns, expected.passwordResets) = (1, 1, 1)
            (expected.activity, expected.throttleCounters) = (2, 1)
            #expect(counts == expected)
            #expect(try store.activity(accountID: ann.id, limit: 10).map(\.entry.detail) == ["kept"])
            #expect(try store.useConfirmation(digest: "new-link", now: at(100)) == ann.id)
            #expect(try store.passwordReset(digest: "new-reset", now: at(100)) == ann.id)
            #expect(try store.blockedUntil(key: "address:blocked", now: at(100)) != nil)
            #expect(try store.countAttempt(key: "address:fresh", now: at(100), window: 600).count == 2)
            // Without an activity limit, entries stay.
            #expect(try store.deleteExpired(now: at(100), activityBefore: nil, countersBefore: at(50)).activity == 0)
        }
    }
}
