import AuthTokenCore
import AuthTokenStore
import AuthTokenTestKit
import Dispatch
import Foundation
import Synchronization
import Testing

/// The password queue's admission control, and what one attempt may cost.
@Suite struct PasswordWorkTests {
    /// A job that holds its queue thread until `release` is signalled. Requests come from
    /// threads of their own, as in the server: a blocked dispatch worker may not be
    /// replaced soon on a 2-core machine.
    static func holdThread(_ queue: PasswordQueue, until release: DispatchSemaphore, started: DispatchSemaphore) {
        Thread.detachNewThread {
            _ = try? queue.run {
                started.signal()
                release.wait()
                return 0
            }
        }
    }

    @Test func aFullQueueRefusesAtOnce() throws {
        let queue = PasswordQueue(limits: .init(threads: 1, maxWaiting: 1, maxWait: 30))
        let release = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        Self.holdThread(queue, until: release, started: started)
        started.wait()
        // One may wait; it is admitted and finishes once the thread is free.
        let waiter = DispatchSemaphore(value: 0)
        let waited = Mutex<Int?>(nil)
        Thread.detachNewThread {
            let value = try? queue.run { 7 }
            waited.withLock { $0 = value }
            waiter.signal()
        }
        while queue.counts.waiting < 1 { usleep(1000) }
        // The next one is refused without waiting.
        let begin = Date()
        #expect(throws: PasswordWorkBusy.self) { try queue.run { 1 } }
        #expect(Date().timeIntervalSince(begin) < 5)
        release.signal()
        waiter.wait()
        #expect(waited.withLock { $0 } == 7)
        #expect(queue.counts.refused == 1)
    }

    @Test func aJobNotStartedInTimeIsDroppedAndRefused() throws {
        let queue = PasswordQueue(limits: .init(threads: 1, maxWaiting: 4, maxWait: 0.2))
        let release = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        Self.holdThread(queue, until: release, started: started)
        started.wait()
        let ran = Atomic<Int>(0)
        #expect(throws: PasswordWorkBusy.self) { try queue.run { ran.add(1, ordering: .relaxed) } }
        release.signal()
        // The dropped job never runs, and the queue goes on serving.
        #expect(try queue.run { 42 } == 42)
        #expect(ran.load(ordering: .relaxed) == 0)
    }

    @Test func anAppPasswordCostsOneHashHoweverManyTheAccountHolds() throws {
        let t = try TestStore()
        let account = try t.auth.accounts.addAccount(email: "many@example.com", displayName: nil, password: "password1", confirmed: true)
        var values: [String] = []
        for i in 0..<t.auth.settings.maxAppPasswordsPerAccount {
            values.append(try t.auth.appPasswords.createAppPassword(
                account: account, name: "device \(i)", currentPassword: "password1", client: .unknown).get().password)
        }
        #expect(try t.auth.appPasswords.createAppPassword(
            account: account, name: "one too many", currentPassword: "password1", client: .unknown).failureValue
            == .limitReached(20))
        func create(_ password: String) throws -> TokenRefusal? {
            try t.auth.tokens.createToken(
                TokenRequest(email: "many@example.com", password: password, scope: "ZohoCRM/crmapi", displayName: nil)
            ).failureValue
        }
        for password in [values.last!, "abcd efgh ijkl", "password1", "wrongpassword"] {
            let before = t.auth.hasher.hashCount
            let refusal = try create(password)
            #expect(t.auth.hasher.hashCount - before == 1, "\(password == values.last! ? "last app password" : password)")
            #expect(refusal == (password == values.last! || password == "password1" ? nil : .invalidPassword))
        }
        // Only the digest is stored next to the hash, never the value.
        let stored = try t.store.appPasswords(accountID: account.id)
        #expect(stored.count == 20)
        #expect(stored.allSatisfy { $0.passwordHash.hasPrefix("$argon2id$") })
    }

    @Test func appPasswordsOfOneAccountDoNotOpenAnother() throws {
        let t = try TestStore()
        let ann = try t.auth.accounts.addAccount(email: "ann@example.com", displayName: nil, password: "password1", confirmed: true)
        _ = try t.auth.accounts.addAccount(email: "bob@example.com", displayName: nil, password: "password2", confirmed: true)
        let annsApp = try t.auth.appPasswords.createAppPassword(account: ann, name: "laptop", currentPassword: "password1", client: .unknown)
            .get().password
        #expect(try t.auth.tokens.createToken(
            TokenRequest(email: "bob@example.com", password: annsApp, scope: "ZohoCRM/crmapi", displayName: nil)
        ).failureValue == .invalidPassword)
    }

    @Test func aRefusalForLackOfCapacityIsNotAFailure() throws {
        let t = try TestStore(passwordQueue: .init(threads: 1, maxWaiting: 0, maxWait: 30))
        _ = try t.auth.accounts.addAccount(email: "ann@example.com", displayName: nil, password: "password1", confirmed: true)
        let release = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        Self.holdThread(t.auth.hasher.queue, until: release, started: started)
        started.wait()
        let office = Client(address: "192.0.2.10", userAgent: nil)
        for _ in 0..<15 {
            #expect(throws: PasswordWorkBusy.self) {
                try t.auth.tokens.createToken(
                    TokenRequest(email: "ann@example.com", password: "password1", scope: "ZohoCRM/crmapi", displayName: nil),
                    client: office)
            }
        }
        let ranBefore = t.auth.hasher.queue.counts.ran
        release.signal()
        while t.auth.hasher.queue.counts.ran == ranBefore { usleep(1000) }
        // Fifteen refusals for lack of capacity are not fifteen failures: no block.
        #expect(try t.auth.tokens.createToken(
            TokenRequest(email: "ann@example.com", password: "password1", scope: "ZohoCRM/crmapi", displayName: nil),
            client: office).failureValue == nil)
    }
}
