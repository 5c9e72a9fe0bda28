import AuthTokenStore
import Foundation
import Testing

@Suite struct ThrottleContractTests {
    @Test(arguments: Backend.allCases)
    func countsWithinAWindowAndStartsOverAfterIt(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            #expect(try store.countAttempt(key: "k", now: at(0), window: 60) == AttemptCounter(count: 1, blockedUntil: nil))
            #expect(try store.countAttempt(key: "k", now: at(1), window: 60) == AttemptCounter(count: 2, blockedUntil: nil))
            #expect(try store.countAttempt(key: "k", now: at(59.9), window: 60) == AttemptCounter(count: 3, blockedUntil: nil))
            // The window began at 0: at 60 it began at or before now - window, so it starts over at 60.
            #expect(try store.countAttempt(key: "k", now: at(60), window: 60) == AttemptCounter(count: 1, blockedUntil: nil))
            #expect(try store.countAttempt(key: "k", now: at(119), window: 60) == AttemptCounter(count: 2, blockedUntil: nil))
            #expect(try store.countAttempt(key: "k", now: at(120), window: 60) == AttemptCounter(count: 1, blockedUntil: nil))
            // A fractional window rounds up.
            #expect(try store.countAttempt(key: "f", now: at(0), window: 9.2) == AttemptCounter(count: 1, blockedUntil: nil))
            #expect(try store.countAttempt(key: "f", now: at(9), window: 9.2) == AttemptCounter(count: 2, blockedUntil: nil))
            #expect(try store.countAttempt(key: "f", now: at(10), window: 9.2) == AttemptCounter(count: 1, blockedUntil: nil))
            // Keys are separate.
            #expect(try store.countAttempt(key: "other", now: at(120), window: 60) == AttemptCounter(count: 1, blockedUntil: nil))
        }
    }

    @Test(arguments: Backend.allCases)
    func aBlockIsACompareAndSetAndHoldsTheCount(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            for s in 0..<3 { _ = try store.countAttempt(key: "k", now: at(Double(s)), window: 600) }
            #expect(try store.blockedUntil(key: "k", now: at(3)) == nil)
            #expect(try store.blockedUntil(key: "unknown", now: at(3)) == nil)
            // The end rounds up to a whole second.
            #expect(try store.startBlock(key: "k", until: at(99.2), now: at(3)))
            #expect(try store.blockedUntil(key: "k", now: at(3)) == at(100))
            #expect(try !store.startBlock(key: "k", until: at(500), now: at(50)))
            #expect(try store.blockedUntil(key: "k", now: at(50)) == at(100))
            // While blocked, attempts are not counted (the block set the count to zero).
            #expect(try store.countAttempt(key: "k", now: at(60), window: 600) == AttemptCounter(count: 0, blockedUntil: at(100)))
            #expect(try store.countAttempt(key: "k", now: at(99), window: 600) == AttemptCounter(count: 0, blockedUntil: at(100)))
            // A refund neither goes below zero nor lifts the block.
            try store.refundAttempt(key: "k")
            #expect(try store.blockedUntil(key: "k", now: at(99)) == at(100))
            // At its end the block is over; the window began when the block did (3).
            #expect(try store.blockedUntil(key: "k", now: at(100)) == nil)
            #expect(try store.countAttempt(key: "k", now: at(100), window: 600) == AttemptCounter(count: 1, blockedUntil: nil))
            #expect(try store.countAttempt(key: "k", now: at(603), window: 600) == AttemptCounter(count: 1, blockedUntil: nil))
            // A new block once the old one is over; a block on a key never counted.
            #expect(try store.startBlock(key: "k", until: at(700), now: at(603)))
            #expect(try store.blockedUntil(key: "k", now: at(603)) == at(700))
            #expect(try store.startBlock(key: "fresh", until: at(10), now: at(0)))
            #expect(try store.countAttempt(key: "fresh", now: at(5), window: 600) == AttemptCounter(count: 0, blockedUntil: at(10)))
            #expect(try store.countAttempt(key: "fresh", now: at(10), window: 600) == AttemptCounter(count: 1, blockedUntil: nil))
        }
    }

    @Test(arguments: Backend.allCases)
    func refundsNeverGoBelowZeroAndClearingForgetsEverything(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            try store.refundAttempt(key: "never-counted")
            #expect(try store.countAttempt(key: "never-counted", now: at(0), window: 60).count == 1)
            _ = try store.countAttempt(key: "k", now: at(0), window: 60)
            _ = try store.countAttempt(key: "k", now: at(1), window: 60)
            try store.refundAttempt(key: "k")
            #expect(try store.countAttempt(key: "k", now: at(2), window: 60).count == 2)
            for _ in 0..<5 { try store.refundAttempt(key: "k") }
            #expect(try store.countAttempt(key: "k", now: at(3), window: 60).count == 1)
            #expect(try store.startBlock(key: "k", until: at(100), now: at(4)))
            #expect(try store.clearFailures(key: "k"))
            #expect(try !store.clearFailures(key: "k"))
            #expect(try !store.clearFailures(key: "unknown"))
            #expect(try store.blockedUntil(key: "k", now: at(5)) == nil)
            #expect(try store.countAttempt(key: "k", now: at(5), window: 60) == AttemptCounter(count: 1, blockedUntil: nil))
        }
    }

    /// 40 parallel attempts (two instances) get the counts 1...40, each once.
    @Test(arguments: Backend.allCases)
    func parallelAttemptsGetDistinctCounts(_ backend: Backend) throws {
        try withStore(backend) { fixture, store throws in
            let other = try fixture.reopen()
            let results = race(40, fixture, stores: [store, other]) { index, store in
                try store.countAttempt(key: index % 2 == 0 ? "new-key" : "new-key", now: t0, window: 600)
            }
            #expect(results.compactMap(\.value).map(\.count).sorted() == Array(1...40))
            #expect(results.allSatisfy { $0.value?.blockedUntil == nil })
            // Refunds in parallel: 50 of them bring 40 to zero and no lower.
            let refunds = race(50, fixture, stores: [store, other]) { _, store in try store.refundAttempt(key: "new-key") }
            #expect(refunds.allSatisfy { $0.failure == nil })
            #expect(try store.countAttempt(key: "new-key", now: t0, window: 600).count == 1)
        }
    }

    /// 20 parallel calls to start one block (two instances): exactly one starts it.
    @Test(arguments: Backend.allCases)
    func exactlyOneOfManyParallelCallsStartsTheBlock(_ backend: Backend) throws {
        try withStore(backend) { fixture, store throws in
            for n in 0..<9 { _ = try store.countAttempt(key: "old", now: at(Double(n)), window: 600) }
            let other = try fixture.reopen()
            for key in ["old", "new"] {
                let results = race(20, fixture, stores: [store, other]) { index, store in
                    try store.startBlock(key: key, until: at(600 + Double(index)), now: at(10))
                }
                #expect(results.filter { $0.value == true }.count == 1, "\(key)")
                #expect(results.filter { $0.value == false }.count == 19, "\(key)")
                let winner = try #require(results.firstIndex { $0.value == true })
                #expect(try store.blockedUntil(key: key, now: at(10)) == at(600 + Double(winner)))
                #expect(try store.countAttempt(key: key, now: at(11), window: 600).count == 0)
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func failuresAreCountedWithinTheAttemptsWindowAndResetByABlock(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            #expect(try store.recordFailure(key: "never-counted", now: at(0)) == 0)
            _ = try store.countAttempt(key: "k", now: at(0), window: 60)
            #expect(try store.recordFailure(key: "k", now: at(0)) == 1)
            _ = try store.countAttempt(key: "k", now: at(1), window: 60)
            #expect(try store.recordFailure(key: "k", now: at(1)) == 2)
            // The attempt stays counted, and a refund leaves failures alone.
            #expect(try store.countAttempt(key: "k", now: at(2), window: 60).count == 3)
            try store.refundAttempt(key: "k")
            #expect(try store.recordFailure(key: "k", now: at(2)) == 3)
            // A new window starts the failures over too.
            #expect(try store.countAttempt(key: "k", now: at(60), window: 60).count == 1)
            #expect(try store.recordFailure(key: "k", now: at(60)) == 1)
            // A block sets them to zero; counting while blocked keeps them.
            #expect(try store.startBlock(key: "k", until: at(100), now: at(61)))
            #expect(try store.countAttempt(key: "k", now: at(62), window: 60).count == 0)
            #expect(try store.recordFailure(key: "k", now: at(62)) == 1)
            #expect(try store.blockedUntil(key: "k", now: at(62)) == at(100))
            #expect(try store.clearFailures(key: "k"))
            #expect(try store.recordFailure(key: "k", now: at(63)) == 0)
        }
    }

    /// 30 parallel failures (two instances) get the counts 1...30, each once.
    @Test(arguments: Backend.allCases)
    func parallelFailuresGetDistinctCounts(_ backend: Backend) throws {
        try withStore(backend) { fixture, store throws in
            _ = try store.countAttempt(key: "k", now: t0, window: 600)
            let other = try fixture.reopen()
            let results = race(30, fixture, stores: [store, other]) { _, store in
                try store.recordFailure(key: "k", now: t0)
            }
            #expect(results.compactMap(\.value).sorted() == Array(1...30))
            #expect(try store.countAttempt(key: "k", now: t0, window: 600).count == 2)
        }
    }

    @Test(arguments: Backend.allCases)
    func countingWhileBlockedChangesNothingEvenInParallel(_ backend: Backend) throws {
        try withStore(backend) { fixture, store throws in
            #expect(try store.startBlock(key: "k", until: at(100), now: at(0)))
            let other = try fixture.reopen()
            let results = race(20, fixture, stores: [store, other]) { _, store in
                try store.countAttempt(key: "k", now: at(50), window: 600)
            }
            #expect(results.allSatisfy { $0.value == AttemptCounter(count: 0, blockedUntil: at(100)) })
        }
    }
}

@Suite struct ActivityContractTests {
    @Test(arguments: Backend.allCases)
    func entriesComeBackNewestFirstPerAccountUpToTheLimit(_ backend: Backend) throws {
        try withStore(backend) { _, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let bob = try store.createAccount(newAccount("bob@example.com"))
            let kinds = ActivityKind.allCases
            var written: [NewActivity] = []
            for (n, kind) in kinds.enumerated() {
                let entry = NewActivity(
                    at: at(Double(n) + 0.5), accountID: ann.id, kind: kind, address: "192.0.2.\(n)",
                    userAgent: "agent \(n) \"ü\"", detail: n == 0 ? "" : "detail \(n)")
                try store.insertActivity(entry)
                written.append(entry)
                try store.insertActivity(NewActivity(
                    at: t0, accountID: bob.id, kind: .signIn, address: "198.51.100.1", userAgent: "", detail: "bob"))
            }
            try store.insertActivity(NewActivity(
                at: t0, accountID: nil, kind: .signInFailed, address: "203.0.113.1", userAgent: "", detail: "nobody@example.com"))

            let all = try store.activity(accountID: ann.id, limit: 100)
            #expect(all.map(\.entry) == written.reversed().map { entry in
                var stored = entry
                stored.at = Date(timeIntervalSince1970: entry.at.timeIntervalSince1970.rounded(.down))
                return stored
            })
            #expect(zip(all, all.dropFirst()).allSatisfy { $0.id > $1.id })
            #expect(try store.activity(accountID: ann.id, limit: 3) == Array(all.prefix(3)))
            #expect(try store.activity(accountID: ann.id, limit: 0) == [])
            #expect(try store.activity(accountID: ann.id, limit: -1) == [])
            #expect(try store.activity(accountID: bob.id, limit: 100).count == kinds.count)
            #expect(try store.activity(accountID: bob.id, limit: 100).allSatisfy { $0.entry.detail == "bob" })
            #expect(try store.activity(accountID: bob.id + 1000, limit: 100) == [])
        }
    }

    @Test(arguments: Backend.allCases)
    func entriesFromManyThreadsAreAllKept(_ backend: Backend) throws {
        try withStore(backend) { fixture, store throws in
            let ann = try store.createAccount(newAccount("ann@example.com"))
            let other = try fixture.reopen()
            let results = race(16, fixture, stores: [store, other]) { index, store in
                for n in 0..<5 {
                    try store.insertActivity(NewActivity(
                        at: t0, accountID: ann.id, kind: .signIn, address: "a", userAgent: "u", detail: "\(index)-\(n)"))
                }
            }
            #expect(results.allSatisfy { $0.failure == nil })
            let entries = try store.activity(accountID: ann.id, limit: 1000)
            #expect(entries.count == 80)
            #expect(Set(entries.map(\.entry.detail)).count == 80)
            // Each thread's entries in its own order, newest first.
            for index in 0..<16 {
                let mine = entries.map(\.entry.detail).filter { $0.hasPrefix("\(index)-") }
                #expect(mine == (0..<5).reversed().map { "\(index)-\($0)" })
            }
        }
    }
}
