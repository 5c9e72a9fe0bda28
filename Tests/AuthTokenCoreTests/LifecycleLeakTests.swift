import AuthTokenCore
import AuthTokenSQLite
import AuthTokenStore
import AuthTokenTestKit
import Foundation
import Testing

/// Services made and dropped in a loop (as every test does) leave no thread, pthread key or
/// open database connection behind: the password queue's threads are joined when it goes,
/// and the store's per-thread readers are closed with their key. Each test runs one round
/// before counting, so what the process keeps for good (Dispatch's threads) is there
/// already. Other suites run at the same time and start threads of their own: the thread
/// counts allow them `noise`, far below the thousands a leak would leave; open files are
/// counted exactly, by the test's own database path.
@Suite(.serialized) struct LifecycleLeakTests {
    /// Argon2 at its cheapest: these tests count threads and files, not hashing.
    static let cheap = Argon2Parameters(memoryKiB: 64, iterations: 1)
    static let noise = 64

    @Test func aDroppedPasswordQueueJoinsItsThreads() throws {
        try useQueue()
        let threads = Self.threads()
        for _ in 0..<2000 { try useQueue() }  // 400 threads if they leaked
        #expect(Self.threads() <= threads + Self.noise)
    }

    @Test func twoThousandServicesLeaveNoThreadsKeysOrFiles() throws {
        let t = try TestStore(argon2: Self.cheap)
        defer { try? FileManager.default.removeItem(at: t.directory) }
        let path = t.directory.appendingPathComponent("test.sqlite").path
        try useService(path: path, settings: t.auth.settings)
        let threads = Self.threads(), files = Self.openFiles(under: t.directory.path)
        // 2,000 thread-locals, twice the pthread keys a process has: a leaked key fails here.
        for _ in 0..<2000 { try useService(path: path, settings: t.auth.settings) }
        #expect(Self.threads() <= threads + Self.noise)  // 4,000 more if they leaked
        #expect(Self.openFiles(under: t.directory.path) == files)
    }

    private func useQueue() throws {
        let queue = PasswordQueue(limits: .init(threads: 2))
        #expect(try queue.run { 42 } == 42)
    }

    /// A store and a service over it that check a token (a thread reader and its key) and
    /// hash a password (the queue's threads), then go.
    private func useService(path: String, settings: AuthSettings) throws {
        let store = try SQLiteStore(path: path, readers: 2)
        let auth = AuthService(store: store, settings: settings)
        #expect(try auth.check.checkToken(String(repeating: "a", count: 32), scope: nil, from: "127.0.0.1") == .invalidToken)
        _ = try auth.hasher.hash("a password")
    }

    private static func threads() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? -1
    }

    /// Open descriptors of files under `directory`.
    private static func openFiles(under directory: String) -> Int {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return fds.filter {
            ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) ?? "").hasPrefix(directory)
        }.count
    }
}
