import AuthTokenStore
import Foundation
import Synchronization

/// Remembers when each token was last used, and writes that to the store at most once per
/// token per `interval`; counts uses per token per UTC day, and the check's refusals per day
/// by reason, and adds those to the store at every flush (docs/usage.md).
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
        var tokenDays: [TokenDay: Int] = [:]
        var refusals: [RefusalDay: Int] = [:]
        var dailyRowsWritten = 0
    }

    private struct TokenDay: Hashable {
        var tokenID: Int64
        var day: Int64
    }

    private struct RefusalDay: Hashable {
        var day: Int64
        var outcome: CheckOutcome
    }

    public init(store: any AuthStore, intervalSeconds: Int64 = 60) {
        self.store = store
        self.interval = intervalSeconds
    }

    /// Notes a use, and counts it for its day. Cheap: no I/O, one lock.
    public func record(tokenID: Int64, at time: Date, from address: String) {
        let use = TokenUse(tokenID: tokenID, at: Int64(time.timeIntervalSince1970), from: address)
        let day = TokenDay(tokenID: tokenID, day: UsageDay.of(use.at))
        state.withLock { state in
            state.pending[tokenID] = use
            state.tokenDays[day, default: 0] += 1
        }
    }

    /// Counts a refused check for its day (`allowed` is counted by `record`).
    public func refused(_ outcome: CheckOutcome, at time: Date) {
        let key = RefusalDay(day: UsageDay.of(time), outcome: outcome)
        state.withLock { $0.refusals[key, default: 0] += 1 }
    }

    /// Drops a pending use, for a token whose value was just replaced.
    public func forget(tokenID: Int64) {
        state.withLock { $0.pending[tokenID] = nil }
    }

    /// How many token rows have been written so far.
    public var writes: Int { state.withLock { $0.written } }

    /// How many daily-use rows (per token day and per check answer day) have been added to.
    public var dailyRowsWritten: Int { state.withLock { $0.dailyRowsWritten } }

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

    /// Takes what is due and every day's counts under the lock, writes them without holding
    /// it. What fails to be written is kept for the next flush: a use unless a newer use of
    /// the token came in meanwhile, counts added to what came in meanwhile.
    private func flush(_ isDue: (TokenUse, Int64?) -> Bool) throws -> Int {
        let (due, tokenDays, refusals) = state.withLock { state -> ([TokenUse], [TokenDay: Int], [RefusalDay: Int]) in
            let due = state.pending.filter { isDue($0.value, state.lastWritten[$0.key]) }.map(\.value)
            for use in due {
                state.pending[use.tokenID] = nil
                state.lastWritten[use.tokenID] = use.at
            }
            defer { (state.tokenDays, state.refusals) = ([:], [:]) }
            return (due, state.tokenDays, state.refusals)
        }
        var failure: (any Error)?
        do {
            try store.recordUses(due)
            state.withLock { $0.written += due.count }
        } catch {
            failure = error
            state.withLock { state in
                for use in due where state.pending[use.tokenID] == nil { state.pending[use.tokenID] = use }
            }
        }
        let counts = Self.counts(tokenDays, refusals)
        do {
            try store.addUsage(counts)
            state.withLock { $0.dailyRowsWritten += counts.tokens.count + counts.checks.count }
        } catch {
            failure = failure ?? error
            state.withLock { state in
                state.tokenDays.merge(tokenDays, uniquingKeysWith: +)
                state.refusals.merge(refusals, uniquingKeysWith: +)
            }
        }
        if let failure { throw failure }
        return due.count
    }

    /// The store's batch: each token day, and each day's check answers (allowed: the sum of
    /// that day's token uses, so the hot path counts a use once).
    private static func counts(_ tokenDays: [TokenDay: Int], _ refusals: [RefusalDay: Int]) -> UsageCounts {
        var allowed: [Int64: Int] = [:]
        for (key, count) in tokenDays { allowed[key.day, default: 0] += count }
        return UsageCounts(
            tokens: tokenDays.map { TokenDayCount(tokenID: $0.key.tokenID, day: $0.key.day, count: $0.value) },
            checks: allowed.map { CheckDayCount(day: $0.key, outcome: .allowed, count: $0.value) }
                + refusals.map { CheckDayCount(day: $0.key.day, outcome: $0.key.outcome, count: $0.value) })
    }
}
