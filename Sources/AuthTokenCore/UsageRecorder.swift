import AuthTokenStore
import Foundation
import Synchronization

/// Remembers when each token was last used, and writes that to the store at most once per
/// token per `interval`.
///
/// The token check runs on every guarded request; a database write each time would make
/// the hot path a writer and serialize it. Instead a use is noted in memory (a dictionary
/// under a lock, no I/O), and a background thread writes what is due about once a second:
/// a token's first use promptly, later uses when its interval has passed. No lock is held
/// while writing (`UsageFlusher`). `flushAll` at shutdown writes whatever is still pending.
public final class UsageRecorder: Sendable {
    let store: any AuthStore
    let interval: Int64
    private let state = Mutex(State())

    private struct State {
        var pending: [Int64: TokenUse] = [:]
        var lastWritten: [Int64: Int64] = [:]
        var written = 0
    }

    public init(store: any AuthStore, intervalSeconds: Int64 = 60) {
        self.store = store
        self.interval = intervalSeconds
    }

    /// Notes a use. Cheap: no I/O.
    public func record(tokenID: Int64, at time: Date, from address: String) {
        let use = TokenUse(tokenID: tokenID, at: Int64(time.timeIntervalSince1970), from: address)
        state.withLock { $0.pending[tokenID] = use }
    }

    /// Drops a pending use, for a token whose value was just replaced.
    public func forget(tokenID: Int64) {
        state.withLock { $0.pending[tokenID] = nil }
    }

    /// How many token rows have been written so far.
    public var writes: Int { state.withLock { $0.written } }

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
        state.withLock { state in
            state.lastWritten = state.lastWritten.filter { $0.value > time || state.pending[$0.key] != nil }
        }
    }

    /// Writes every pending use, due or not (at shutdown).
    @discardableResult
    public func flushAll() throws -> Int {
        try flush { _, _ in true }
    }

    /// Takes what is due under the lock, writes it without holding the lock.
    private func flush(_ isDue: (TokenUse, Int64?) -> Bool) throws -> Int {
        let due = state.withLock { state -> [TokenUse] in
            let due = state.pending.filter { isDue($0.value, state.lastWritten[$0.key]) }.map(\.value)
            for use in due {
                state.pending[use.tokenID] = nil
                state.lastWritten[use.tokenID] = use.at
            }
            return due
        }
        do {
            try store.recordUses(due)
        } catch {
            // Kept for the next flush, unless a newer use of the token came in meanwhile.
            state.withLock { state in
                for use in due where state.pending[use.tokenID] == nil { state.pending[use.tokenID] = use }
            }
            throw error
        }
        state.withLock { $0.written += due.count }
        return due.count
    }
}
