import AuthTokenStore
import Foundation
import Testing

@Suite struct TwoFactorContractTests {
    let secret: [UInt8] = [0, 1, 2, 0x7f, 0x80, 0xfe, 0xff, 0]

    /// Turns on `secret`, the suite's pending one, keeping no session.
    func enable(_ store: any AuthStore, _ accountID: Int64, step: Int64, codes: [String]) throws -> Bool {
        try store.enableTwoFactor(
            accountID: accountID, sealedSecret: secret, step: step, recoveryDigests: codes, keepSession: nil)
    }

    @Test(arguments: Backend.allCases)
    func aSecretIsPendingThenEnabledWithRecoveryCodes(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            #expect(try store.twoFactor(accountID: ann.id) == nil)
            #expect(try !enable(store, ann.id, step: 10, codes: ["r"]))
            #expect(try store.recoveryCodeCount(accountID: ann.id) == 0)
            #expect(try store.storePendingTwoFactor(accountID: ann.id, sealedSecret: [9, 9]))
            #expect(try store.storePendingTwoFactor(accountID: ann.id, sealedSecret: secret))  // replaces
            #expect(try store.twoFactor(accountID: ann.id) == TwoFactorRecord(
                accountID: ann.id, sealedSecret: secret, enabled: false, lastStep: nil))
            // A pending secret accepts no step.
            #expect(try !store.acceptStep(accountID: ann.id, step: 1))
            #expect(try enable(store, ann.id, step: 10, codes: ["r1", "r2", "r3"]))
            #expect(try store.twoFactor(accountID: ann.id) == TwoFactorRecord(
                accountID: ann.id, sealedSecret: secret, enabled: true, lastStep: 10))
            #expect(try store.recoveryCodeCount(accountID: ann.id) == 3)
            // On: neither a new pending secret nor enabling again changes anything.
            #expect(try !store.storePendingTwoFactor(accountID: ann.id, sealedSecret: [1]))
            #expect(try !enable(store, ann.id, step: 50, codes: ["x"]))
            #expect(try store.twoFactor(accountID: ann.id)?.sealedSecret == secret)
            #expect(try store.twoFactor(accountID: ann.id)?.lastStep == 10)
            #expect(try store.recoveryCodeCount(accountID: ann.id) == 3)
            #expect(try store.twoFactor(accountID: bob.id) == nil)
            #expect(throws: (any Error).self) { try store.storePendingTwoFactor(accountID: bob.id + 1000, sealedSecret: [1]) }
        }
    }

    /// Issue 20, items 5 and 6: only the secret whose code was checked is turned on, so a
    /// set-up another session stored meanwhile makes the call fail and change nothing; on
    /// success every other session of the account ends (the one asking stays).
    @Test(arguments: Backend.allCases)
    func enablingTurnsOnOnlyTheCheckedSecretAndEndsTheOtherSessions(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            for account in [ann, bob] {
                for name in ["mine", "other"] {
                    try store.createSession(digest: "\(name)-\(account.id)", accountID: account.id, at: t0)
                }
            }
            #expect(try store.storePendingTwoFactor(accountID: ann.id, sealedSecret: [1]))  // the one checked
            #expect(try store.storePendingTwoFactor(accountID: ann.id, sealedSecret: [2]))  // another set-up meanwhile
            #expect(try !store.enableTwoFactor(
                accountID: ann.id, sealedSecret: [1], step: 10, recoveryDigests: ["r"], keepSession: "mine-\(ann.id)"))
            #expect(try store.twoFactor(accountID: ann.id) == TwoFactorRecord(
                accountID: ann.id, sealedSecret: [2], enabled: false, lastStep: nil))
            #expect(try store.recoveryCodeCount(accountID: ann.id) == 0)
            #expect(try store.session(digest: "other-\(ann.id)") != nil)
            #expect(try store.enableTwoFactor(
                accountID: ann.id, sealedSecret: [2], step: 11, recoveryDigests: ["r1", "r2"], keepSession: "mine-\(ann.id)"))
            #expect(try store.twoFactor(accountID: ann.id) == TwoFactorRecord(
                accountID: ann.id, sealedSecret: [2], enabled: true, lastStep: 11))
            #expect(try store.session(digest: "mine-\(ann.id)")?.account.id == ann.id)
            #expect(try store.session(digest: "other-\(ann.id)") == nil)
            for name in ["mine", "other"] { #expect(try store.session(digest: "\(name)-\(bob.id)")?.account.id == bob.id) }
            // Without a session to keep (no browser asked), every session ends.
            #expect(try store.storePendingTwoFactor(accountID: bob.id, sealedSecret: [3]))
            #expect(try store.enableTwoFactor(
                accountID: bob.id, sealedSecret: [3], step: 1, recoveryDigests: [], keepSession: nil))
            for name in ["mine", "other"] { #expect(try store.session(digest: "\(name)-\(bob.id)") == nil) }
        }
    }

    /// The compare-and-set under a race: set-ups storing new secrets while the checked one
    /// is turned on (two connections, or instances). Whatever the order, a secret that is on
    /// is the one whose code was checked, never a newer one.
    @Test(arguments: Backend.allCases)
    func aSetUpRacingTheConfirmationIsNeverTheSecretTurnedOn(_ backend: Backend) throws {
        try withStore(backend) { fixture, store throws in
            let other = try fixture.reopen()
            for round in 0..<20 {
                let account = try store.createAccount(newAccount("ann\(round)@example.com"))
                let id = account.id
                #expect(try store.storePendingTwoFactor(accountID: id, sealedSecret: [0]))
                let results = race(8, fixture, stores: [store, other]) { index, store in
                    index == 0
                        ? try store.enableTwoFactor(
                            accountID: id, sealedSecret: [0], step: 1, recoveryDigests: ["r"], keepSession: nil)
                        : try store.storePendingTwoFactor(accountID: id, sealedSecret: [UInt8(index)])
                }
                #expect(results.allSatisfy { $0.failure == nil })
                let enabled = try results[0].get()
                let record = try #require(try store.twoFactor(accountID: id))
                #expect(record.enabled == enabled)
                if enabled { #expect(record.sealedSecret == [0] && record.lastStep == 1) }
                #expect(try store.recoveryCodeCount(accountID: id) == (enabled ? 1 : 0))
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func enablingReplacesEarlierRecoveryCodes(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            #expect(try store.storePendingTwoFactor(accountID: ann.id, sealedSecret: secret))
            #expect(try enable(store, ann.id, step: 1, codes: ["a", "b"]))
            #expect(try store.disableTwoFactor(accountID: ann.id))
            #expect(try store.storePendingTwoFactor(accountID: ann.id, sealedSecret: secret))
            #expect(try enable(store, ann.id, step: 2, codes: ["c", "d", "e", "f"]))
            #expect(try store.recoveryCodeCount(accountID: ann.id) == 4)
            #expect(try !store.useRecoveryCode(accountID: ann.id, digest: "a"))
            #expect(try store.useRecoveryCode(accountID: ann.id, digest: "f"))
        }
    }

    @Test(arguments: Backend.allCases)
    func aStepIsAcceptedOnlyWhenLaterThanTheLast(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            for account in [ann, bob] {
                #expect(try store.storePendingTwoFactor(accountID: account.id, sealedSecret: secret))
                #expect(try enable(store, account.id, step: 100, codes: []))
            }
            #expect(try !store.acceptStep(accountID: ann.id, step: 99))
            #expect(try !store.acceptStep(accountID: ann.id, step: 100))
            #expect(try store.acceptStep(accountID: ann.id, step: 101))
            #expect(try !store.acceptStep(accountID: ann.id, step: 101))
            #expect(try store.acceptStep(accountID: ann.id, step: 103))
            #expect(try !store.acceptStep(accountID: ann.id, step: 102))
            #expect(try store.twoFactor(accountID: ann.id)?.lastStep == 103)
            // Bob's step is his own.
            #expect(try store.twoFactor(accountID: bob.id)?.lastStep == 100)
            #expect(try store.acceptStep(accountID: bob.id, step: 101))
            #expect(try !store.acceptStep(accountID: bob.id + 1000, step: 1))
        }
    }

    /// One code sent by 20 requests at once (two instances) is accepted once.
    @Test(arguments: Backend.allCases)
    func aReplayedStepLosesEvenAtTheSameMoment(_ backend: Backend) throws {
        try withStore(backend) { fixture, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            #expect(try store.storePendingTwoFactor(accountID: ann.id, sealedSecret: secret))
            #expect(try enable(store, ann.id, step: 100, codes: []))
            let other = try fixture.reopen()
            let same = race(20, fixture, stores: [store, other]) { _, store in
                try store.acceptStep(accountID: ann.id, step: 101)
            }
            #expect(same.filter { $0.value == true }.count == 1)
            #expect(same.filter { $0.value == false }.count == 19)
            // Mixed steps: the accepted ones strictly increase, and the highest ends up stored.
            let mixed = race(20, fixture, stores: [store, other]) { index, store in
                try store.acceptStep(accountID: ann.id, step: 102 + Int64(index % 5))
            }
            #expect(mixed.allSatisfy { $0.failure == nil })
            #expect((1...5).contains(mixed.filter { $0.value == true }.count))
            #expect(try store.twoFactor(accountID: ann.id)?.lastStep == 106)
            #expect(try !store.acceptStep(accountID: ann.id, step: 106))
        }
    }

    @Test(arguments: Backend.allCases)
    func recoveryCodesWorkOnceForTheirOwnAccount(_ backend: Backend) throws {
        try withStore(backend) { fixture, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            #expect(try store.storePendingTwoFactor(accountID: ann.id, sealedSecret: secret))
            #expect(try enable(store, ann.id, step: 1, codes: ["r1", "r2"]))
            #expect(try !store.useRecoveryCode(accountID: bob.id, digest: "r1"))
            #expect(try store.useRecoveryCode(accountID: ann.id, digest: "r1"))
            #expect(try !store.useRecoveryCode(accountID: ann.id, digest: "r1"))
            #expect(try store.recoveryCodeCount(accountID: ann.id) == 1)
            let other = try fixture.reopen()
            let results = race(10, fixture, stores: [store, other]) { _, store in
                try store.useRecoveryCode(accountID: ann.id, digest: "r2")
            }
            #expect(results.filter { $0.value == true }.count == 1)
            #expect(results.filter { $0.value == false }.count == 9)
            #expect(try store.recoveryCodeCount(accountID: ann.id) == 0)
        }
    }

    /// A key-only account's codes: added only when it has none, by one of many at once.
    @Test(arguments: Backend.allCases)
    func recoveryCodesAreAddedOnlyWhenThereAreNone(_ backend: Backend) throws {
        try withStore(backend) { fixture, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let other = try fixture.reopen()
            let results = race(10, fixture, stores: [store, other]) { i, store in
                try store.addRecoveryCodesIfNone(accountID: ann.id, digests: ["k\(i)a", "k\(i)b"])
            }
            #expect(results.filter { $0.value == true }.count == 1)
            #expect(results.filter { $0.value == false }.count == 9)
            #expect(try store.recoveryCodeCount(accountID: ann.id) == 2)
            #expect(try !store.addRecoveryCodesIfNone(accountID: ann.id, digests: ["x"]))
            #expect(try store.recoveryCodeCount(accountID: ann.id) == 2)
        }
    }

    @Test(arguments: Backend.allCases)
    func disablingRemovesSecretCodesAndPendingSignIns(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            for account in [ann, bob] {
                #expect(try store.storePendingTwoFactor(accountID: account.id, sealedSecret: secret))
                #expect(try enable(store, account.id, step: 1, codes: ["r1", "r2"]))
                try store.createPendingSignIn(digest: "p-\(account.id)", accountID: account.id, expiresAt: at(100))
            }
            #expect(try store.disableTwoFactor(accountID: ann.id))
            #expect(try store.twoFactor(accountID: ann.id) == nil)
            #expect(try store.recoveryCodeCount(accountID: ann.id) == 0)
            #expect(try store.takePendingSignIn(digest: "p-\(ann.id)", now: t0) == nil)
            #expect(try !store.disableTwoFactor(accountID: ann.id))
            // A pending (not enabled) secret is removed too, and reported.
            #expect(try store.storePendingTwoFactor(accountID: ann.id, sealedSecret: secret))
            #expect(try store.disableTwoFactor(accountID: ann.id))
            #expect(try store.twoFactor(accountID: ann.id) == nil)
            // Bob keeps his.
            #expect(try store.twoFactor(accountID: bob.id)?.enabled == true)
            #expect(try store.recoveryCodeCount(accountID: bob.id) == 2)
            #expect(try store.takePendingSignIn(digest: "p-\(bob.id)", now: t0) == bob.id)
        }
    }

    @Test(arguments: Backend.allCases)
    func aPendingSignInIsTakenOnceAndExpires(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            try store.createPendingSignIn(digest: "p1", accountID: ann.id, expiresAt: at(100))
            try store.createPendingSignIn(digest: "p2", accountID: ann.id, expiresAt: at(100))
            try store.createPendingSignIn(digest: "p3", accountID: ann.id, expiresAt: at(50))
            try store.createPendingSignIn(digest: "p4", accountID: ann.id, expiresAt: at(500))
            #expect(try store.takePendingSignIn(digest: "unknown", now: t0) == nil)
            #expect(try store.takePendingSignIn(digest: "p1", now: at(99)) == ann.id)
            #expect(try store.takePendingSignIn(digest: "p1", now: at(0)) == nil)
            // Expired at its expiry second; the call also sweeps the other expired ones (p3).
            #expect(try store.takePendingSignIn(digest: "p2", now: at(100)) == nil)
            #expect(try store.takePendingSignIn(digest: "p2", now: at(0)) == nil)
            #expect(try store.takePendingSignIn(digest: "p3", now: at(0)) == nil)
            #expect(try store.takePendingSignIn(digest: "p4", now: at(0)) == ann.id)
            #expect(throws: (any Error).self) { try store.createPendingSignIn(digest: "p5", accountID: ann.id + 1000, expiresAt: at(1)) }
        }
    }

    @Test(arguments: Backend.allCases)
    func aPendingSignInTakenByManyAtOnceGoesToOne(_ backend: Backend) throws {
        try withStore(backend) { fixture, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            for n in 0..<4 { try store.createPendingSignIn(digest: "p\(n)", accountID: ann.id, expiresAt: at(100)) }
            let other = try fixture.reopen()
            let results = race(24, fixture, stores: [store, other]) { index, store in
                try store.takePendingSignIn(digest: "p\(index % 4)", now: t0)
            }
            #expect(results.allSatisfy { $0.failure == nil })
            #expect(results.compactMap { $0.value ?? nil } == [ann.id, ann.id, ann.id, ann.id])
        }
    }
}
