import AuthTokenStore
import Foundation

/// Remembers when each token was last used, and writes that to the store at most once per
/// token per `interval`.
///
/// The token check runs on every guarded request; a database write each time would make
/// the hot path a writer and serialize it. Instead a use is noted in memory (a dictionary
/// under a lock, no I/O), and a background thread writes what is due about once a second:
/// a token's first use promptly, later uses when its interval has passed. No lock is held
/// while writing. `flushAll` at shutdown writes whatever is still pending.
public final class UsageRecorder: @unchecked Sendable {
    let store: any AuthStore
    let interval: Int64
    private let lock = NSLock()
    private var pending: [Int64: TokenUse] = [:]
    private var lastWritten: [Int64: Int64] = [:]
    private var written = 0
    private var flusher: Thread?
    private var stopping = false

    public init(store: any AuthStore, intervalSeconds: Int64 = 60) {
        self.store = store
        self.interval = intervalSeconds
    }

    /// Notes a use. Cheap: no I/O.
    public func record(tokenID: Int64, at time: Date, from address: String) {
        let use = TokenUse(tokenID: tokenID, at: Int64(time.timeIntervalSince1970), from: address)
        lock.lock()
        pending[tokenID] = use
        lock.unlock()
    }

    /// Drops a pending use, for a token whose value was just replaced.
    public func forget(tokenID: Int64) {
        lock.lock()
        pending[tokenID] = nil
        lock.unlock()
    }

    /// How many token rows have been written so far.
    public var writes: Int {
        lock.lock()
        defer { lock.unlock() }
        return written
    }

    /// Writes the pending uses whose token was not written within `interval` before `now`.
    @discardableResult
    public func flushDue(now: Date) throws -> Int {
        let clock = Int64(now.timeIntervalSince1970)
        let count = try flush { use, last in last.map { clock - $0 >= self.interval } ?? true }
        forgetWritesBefore(clock - interval)
        return count
    }

    /// Drops write times that no longer hold anything back, so memory follows the tokens
    /// used in the last interval, not every token ever used.
    private func forgetWritesBefore(_ time: Int64) {
        lock.lock()
        lastWritten = lastWritten.filter { $0.value > time || pending[$0.key] != nil }
        lock.unlock()
    }

    /// Writes every pending use, due or not (at shutdown).
    @discardableResult
    public func flushAll() throws -> Int {
        try flush { _, _ in true }
    }

    private func flush(_ isDue: (TokenUse, Int64?) -> Bool) throws -> Int {
        lock.lock()
        var due: [TokenUse] = []
        for (id, use) in pending where isDue(use, lastWritten[id]) {
            due.append(use)
        }
        for use in due {
            pending[use.tokenID] = nil
            lastWritten[use.tokenID] = use.at
        }
        lock.unlock()
        try store.recordUses(due)
        lock.lock()
        written += due.count
        lock.unlock()
        return due.count
    }

    /// Starts the background thread that calls `flushDue` every `period` seconds.
    public func startFlushing(period: TimeInterval = 1, onError: @escaping @Sendable (any Error) -> Void) {
        let thread = Thread { [self] in
            while !isStopping {
                Thread.sleep(forTimeInterval: period)
                do { try flushDue(now: Date()) } catch { onError(error) }
            }
        }
        thread.name = "authtoken-usage"
        flusher = thread
        thread.start()
    }

    /// Stops the background thread and writes what is pending.
    public func stopFlushing() throws {
        lock.lock()
        stopping = true
        lock.unlock()
        try flushAll()
    }

    private var isStopping: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopping
    }
}
