import Foundation
import Lifecycle
import Synchronization
import Testing

@Suite struct ThreadLocalTests {
    final class Box: Sendable {
        let n: Int
        init(_ n: Int) { self.n = n }
    }

    @Test func eachThreadSeesItsOwnValue() throws {
        let local = try ThreadLocal<Box>()
        local.value = Box(1)
        let seen = Mutex<[Int?]>([])
        let other = try JoinableThread(name: "t") {
            seen.withLock { $0.append(local.value?.n) }
            local.value = Box(2)
            seen.withLock { $0.append(local.value?.n) }
        }
        other.join()
        #expect(seen.withLock { $0 } == [nil, 2])
        #expect(local.value?.n == 1)
    }

    @Test func replacedClearedAndThreadExitValuesAreReleasedOnce() throws {
        let released = Mutex<[Int]>([])
        let local = try ThreadLocal<Box>(onRelease: { box in released.withLock { $0.append(box.n) } })
        local.value = Box(1)
        local.value = Box(2)  // releases 1
        local.value = nil  // releases 2
        try JoinableThread(name: "t") { local.value = Box(3) }.join()  // released at exit
        #expect(released.withLock { $0 } == [1, 2, 3])
    }

    @Test func valuesOfLiveThreadsAreReleasedWhenTheThreadLocalGoes() throws {
        let released = Mutex<[Int]>([])
        var local: ThreadLocal<Box>? = try ThreadLocal<Box>(onRelease: { box in released.withLock { $0.append(box.n) } })
        local?.value = Box(7)
        local = nil
        #expect(released.withLock { $0 } == [7])
    }

    /// A process has 1,024 pthread keys: thread-locals made and dropped in a loop (a test's
    /// stores) must give theirs back.
    @Test func twoThousandThreadLocalsDoNotRunOutOfKeys() throws {
        for n in 0..<2000 {
            let local = try ThreadLocal<Box>()
            local.value = Box(n)
            #expect(local.value?.n == n)
        }
    }
}
