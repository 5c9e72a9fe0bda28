import Dispatch
import Foundation
import Synchronization

/// Password work (Argon2 hashing and verifying) runs here, on a few threads of its own,
/// never on the thread that serves the request.
///
/// Each hash takes tens of milliseconds of one core and `memoryKiB` of memory. Request
/// threads hand their hash to this queue and wait; the queue admits a bounded number of
/// waiting jobs, and refuses the rest at once with `PasswordWorkBusy`, so a flood of
/// logins gets quick refusals instead of parking every thread of the server. Its threads
/// run at a lower priority (nice 10), so on a busy machine the token check, which never
/// comes here, gets the CPU first.
public final class PasswordQueue: Sendable {
    public struct Limits: Sendable, Equatable {
        /// Hashes computed at once (one thread each).
        public var threads: Int
        /// Jobs that may wait for a thread; one more is refused at once.
        public var maxWaiting: Int
        /// A job not started within this time is dropped and refused.
        public var maxWait: TimeInterval

        public init(threads: Int = 1, maxWaiting: Int = 16, maxWait: TimeInterval = 2) {
            self.threads = max(1, threads)
            self.maxWaiting = max(0, maxWaiting)
            self.maxWait = maxWait
        }
    }

    public let limits: Limits
    private let state = Mutex(State())
    /// One signal per queued job; a thread takes one before it takes a job.
    private let available = DispatchSemaphore(value: 0)

    private struct State {
        var jobs: [Job] = []
        var head = 0
        var running = 0
        var ran = 0
        var refused = 0
        var waiting: Int { jobs.count - head }
    }

    /// Starts the threads. They live as long as the process (the queue is made once).
    public init(limits: Limits = Limits()) {
        self.limits = limits
        for _ in 0..<limits.threads {
            let thread = Thread { [self] in
                setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)  // 0: this thread
                while true { runNext() }
            }
            thread.name = "authtoken-hash"  // at most 15 bytes, or Linux keeps the old name
            thread.start()
        }
    }

    /// Runs `work` on a queue thread and returns its result; throws `PasswordWorkBusy`
    /// when the queue is full or the job waited longer than `limits.maxWait`.
    public func run<T: Sendable>(_ work: @escaping @Sendable () -> T) throws -> T {
        let job = Job { work() }
        let admitted = state.withLock { state -> Bool in
            guard hasRoom(state) else {
                state.refused += 1
                return false
            }
            state.jobs.append(job)
            return true
        }
        guard admitted else { throw PasswordWorkBusy() }
        available.signal()
        if job.done.wait(timeout: .now() + limits.maxWait) == .timedOut {
            if job.cancelIfWaiting() {
                state.withLock { $0.refused += 1 }
                throw PasswordWorkBusy()
            }
            job.done.wait()  // it started in time, and finishes shortly
        }
        return job.result() as! T
    }

    /// False when a job now would be refused: a cheap look, without a lock-free promise,
    /// so a flood is refused before it costs any other work (the store's counters).
    public var hasRoom: Bool { state.withLock { hasRoom($0) } }

    /// Idle threads take a job at once, so they are room beyond `maxWaiting`.
    private func hasRoom(_ state: State) -> Bool {
        state.waiting < limits.maxWaiting + max(0, limits.threads - state.running)
    }

    /// Counts a refusal made on `hasRoom`'s word.
    public func countRefusal() {
        state.withLock { $0.refused += 1 }
    }

    /// Figures for tests and metrics: jobs run, jobs refused, jobs waiting now.
    public var counts: (ran: Int, refused: Int, waiting: Int) {
        state.withLock { ($0.ran, $0.refused, $0.waiting) }
    }

    private func runNext() {
        available.wait()
        let job = state.withLock { state -> Job in
            let job = state.jobs[state.head]
            state.head += 1
            if state.head > 64, state.head * 2 > state.jobs.count {
                state.jobs.removeFirst(state.head)
                state.head = 0
            }
            state.running += 1
            return job
        }
        let started = job.start()
        if started { job.finish() }
        // The thread counts as free before its requester wakes, so the requester's next
        // job is admitted as onto an idle thread.
        state.withLock { state in
            state.running -= 1
            if started { state.ran += 1 }
        }
        if started { job.done.signal() }
    }
}

/// The answer when password work cannot be taken now: API mode says
/// `CAUSE=API_REQUEST_BLOCKED`, pages answer 503 with `Retry-After`.
public struct PasswordWorkBusy: Error, Equatable {
    public init() {}
}

/// One piece of password work and its hand-over between the two threads.
private final class Job: Sendable {
    enum Phase { case waiting, running, finished(any Sendable), cancelled }
    let done = DispatchSemaphore(value: 0)
    private let work: @Sendable () -> any Sendable
    private let phase = Mutex(Phase.waiting)

    init(_ work: @escaping @Sendable () -> any Sendable) { self.work = work }

    /// Claims the job for a queue thread; false when its requester gave up.
    func start() -> Bool {
        phase.withLock { phase in
            guard case .waiting = phase else { return false }
            phase = .running
            return true
        }
    }

    /// Runs the work; the queue signals `done` once it has counted itself free.
    func finish() {
        let value = work()
        phase.withLock { $0 = .finished(value) }
    }

    /// The requester gives up; false when a thread already started it.
    func cancelIfWaiting() -> Bool {
        phase.withLock { phase in
            guard case .waiting = phase else { return false }
            phase = .cancelled
            return true
        }
    }

    func result() -> any Sendable {
        phase.withLock { phase in
            guard case .finished(let value) = phase else { preconditionFailure("password job read before it finished") }
            return value
        }
    }
}
