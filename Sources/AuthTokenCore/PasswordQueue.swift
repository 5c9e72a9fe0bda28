import Dispatch
import Foundation
import Lifecycle
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
public final class PasswordQueue: BackgroundTask {
    public let name = "password queue"
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
    /// What the threads share with the requesters. The threads hold this, never the queue
    /// itself, so the queue's owner dropping it ends the threads (deinit).
    private let shared = Shared()
    private let threads = Mutex<[JoinableThread]>([])

    private final class Shared: Sendable {
        let state = Mutex(State())
        /// One signal per queued job (and one per thread at stop); a thread takes one before
        /// it takes a job.
        let available = DispatchSemaphore(value: 0)
    }

    fileprivate struct State {
        var jobs: [Job] = []
        var head = 0
        var running = 0
        var ran = 0
        var refused = 0
        var stopped = false
        var waiting: Int { jobs.count - head }
    }

    /// Makes the queue; its threads start with `start()`, or with the first job.
    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    deinit { stop() }

    /// Starts the threads (nice 10). A second call does nothing.
    public func start() throws {
        try threads.withLock { threads in
            guard threads.isEmpty, !shared.state.withLock({ $0.stopped }) else { return }
            for _ in 0..<limits.threads {
                threads.append(try JoinableThread(name: "authtoken-hash", niceness: 10) { [shared] in
                    while Self.runNext(shared) {}
                })
            }
        }
    }

    /// Refuses what waits, lets the running hashes finish, and joins the threads.
    public func stop() {
        let (joined, waiting) = threads.withLock { threads -> ([JoinableThread], [Job]) in
            let waiting = shared.state.withLock { state -> [Job] in
                state.stopped = true
                let waiting = Array(state.jobs[state.head...])
                state.jobs = []
                state.head = 0
                return waiting
            }
            defer { threads = [] }
            return (threads, waiting)
        }
        for job in waiting where job.cancelIfWaiting() { job.done.signal() }
        for _ in joined { shared.available.signal() }
        for thread in joined { thread.join() }
    }

    /// Runs `work` on a queue thread and returns its result; throws `PasswordWorkBusy`
    /// when the queue is full or the job waited longer than `limits.maxWait`.
    public func run<T: Sendable>(_ work: @escaping @Sendable () -> T) throws -> T {
        if threads.withLock({ $0.isEmpty }) { try start() }
        let job = Job { work() }
        let admitted = shared.state.withLock { state -> Bool in
            guard !state.stopped, hasRoom(state) else {
                state.refused += 1
                return false
            }
            state.jobs.append(job)
            return true
        }
        guard admitted else { throw PasswordWorkBusy() }
        shared.available.signal()
        if job.done.wait(timeout: .now() + limits.maxWait) == .timedOut {
            if job.cancelIfWaiting() {
                shared.state.withLock { $0.refused += 1 }
                throw PasswordWorkBusy()
            }
            job.done.wait()  // it started in time, and finishes shortly
        }
        guard let result = job.result() else { throw PasswordWorkBusy() }  // refused by stop()
        return result as! T
    }

    /// False when a job now would be refused: a cheap look, without a lock-free promise,
    /// so a flood is refused before it costs any other work (the store's counters).
    public var hasRoom: Bool { shared.state.withLock { hasRoom($0) } }

    /// Idle threads take a job at once, so they are room beyond `maxWaiting`.
    private func hasRoom(_ state: State) -> Bool {
        state.waiting < limits.maxWaiting + max(0, limits.threads - state.running)
    }

    /// Counts a refusal made on `hasRoom`'s word.
    public func countRefusal() {
        shared.state.withLock { $0.refused += 1 }
    }

    /// Figures for tests and metrics: jobs run, jobs refused, jobs waiting now.
    public var counts: (ran: Int, refused: Int, waiting: Int) {
        shared.state.withLock { ($0.ran, $0.refused, $0.waiting) }
    }

    /// Runs one job; false when the queue has stopped.
    private static func runNext(_ shared: Shared) -> Bool {
        shared.available.wait()
        let next = shared.state.withLock { state -> Job? in
            guard !state.stopped, state.head < state.jobs.count else { return nil }
            let job = state.jobs[state.head]
            state.head += 1
            // Taken jobs leave the array soon: each holds its work, and the work may hold
            // what holds this queue (the hasher), which would then never be freed.
            if state.head == state.jobs.count {
                state.jobs.removeAll(keepingCapacity: true)
                state.head = 0
            } else if state.head > 64, state.head * 2 > state.jobs.count {
                state.jobs.removeFirst(state.head)
                state.head = 0
            }
            state.running += 1
            return job
        }
        guard let job = next else { return false }
        let started = job.start()
        if started { job.finish() }
        // The thread counts as free before its requester wakes, so the requester's next
        // job is admitted as onto an idle thread.
        shared.state.withLock { state in
            state.running -= 1
            if started { state.ran += 1 }
        }
        if started { job.done.signal() }
        return true
    }
}

/// The answer when password work cannot be taken now: API mode says
/// `CAUSE=API_REQUEST_BLOCKED`, pages answer 503 with `Retry-After`.
public struct PasswordWorkBusy: Error, Equatable {
    public enum Reason: String, Sendable {
        case queueFull = "password queue full"
        case directoryDidNotAnswer = "the directory did not answer"
    }

    /// Why, for the log line only: the answer is the same.
    public let reason: Reason

    public init(_ reason: Reason = .queueFull) { self.reason = reason }
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

    /// The work's value; nil when the job was cancelled (by `PasswordQueue.stop()`).
    func result() -> (any Sendable)? {
        phase.withLock { phase in
            switch phase {
            case .finished(let value): return value
            case .cancelled: return nil
            case .waiting, .running: preconditionFailure("password job read before it finished")
            }
        }
    }
}
