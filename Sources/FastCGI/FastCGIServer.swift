import CFastCGI
import Foundation
import Glibc
import Lifecycle

/// A threaded FastCGI responder on libfcgi.
///
/// Like libfcgi's `examples/threaded.c`, every worker thread owns one `FCGX_Request` and
/// calls `FCGX_Accept_r` itself, but with no mutex around it: Linux `accept()` is
/// thread-safe, and a mutex there queues threads behind one another. With nginx's
/// `fastcgi_keep_conn on` a thread keeps its connection between requests, so the thread
/// count must be at least the number of upstream connections nginx holds open, or requests
/// wait for a free thread (we measured p99 in the hundreds of milliseconds when it was not).
///
/// `@unchecked Sendable`: every mutable property is guarded by `state` (an NSCondition,
/// because `stop()` waits on it with a deadline), except `listenFD`, which `start()` writes
/// once before any worker thread exists.
public final class FastCGIServer: BackgroundTask, @unchecked Sendable {
    public typealias Handler = @Sendable (FastCGIRequest) -> FastCGIResponse

    public let configuration: Configuration
    public var name: String { "FastCGI listener \(configuration.address)" }
    let handler: Handler
    var listenFD: Int32 = -1
    /// Guards `stopping`, `busy`, `running` and `idleConnections`.
    let state = NSCondition()
    var stopping = false
    var busy = 0
    var running = 0
    /// Kept-alive connections on which a worker waits for the next request, by worker, as
    /// duplicate fds owned by the server.
    var idleConnections: [Int: Int32] = [:]
    /// What the last `stop()` achieved.
    var lastStop: StopResult?

    public init(configuration: Configuration, handler: @escaping Handler) {
        self.configuration = configuration
        self.handler = handler
    }

    /// Opens the socket and starts the worker threads; returns at once.
    public func start() throws {
        signal(SIGPIPE, SIG_IGN)  // a client that leaves mid-answer must not kill the process
        guard FCGX_Init() == 0 else { throw FastCGIServerError.listen(configuration.address.description) }
        listenFD = try configuration.address.open(backlog: configuration.backlog)
        for index in 0..<configuration.threads {
            try spawnWorker(index: index)
        }
    }

    /// What `stop()` achieved within the grace period.
    public struct StopResult: Sendable, Equatable {
        /// Every request that had been accepted got its answer.
        public var requestsFinished: Bool
        /// Every worker thread left its accept loop.
        public var workersExited: Bool
    }

    /// Stops accepting, lets in-flight requests finish, and reports whether they did within
    /// the grace period.
    ///
    /// libfcgi's own signal handling only sets a flag; threads blocked in `accept()` or in
    /// reading a kept-alive connection would sleep on. Shutting the sockets down wakes them:
    /// `accept()` then fails with EINVAL, which libfcgi does not retry, and `FCGX_Accept_r`
    /// returns -1. (`FCGX_ShutdownPending` is not used: it is process-global, and would stop
    /// every server in the process, not just this one.)
    public func stop() {
        shutDown()
    }

    /// What the last `stop()` achieved; nil before one.
    public var stopResult: StopResult? {
        state.lock()
        defer { state.unlock() }
        return lastStop
    }

    /// `stop()`, returning what it achieved.
    @discardableResult
    public func shutDown() -> StopResult {
        state.lock()
        if let lastStop {
            state.unlock()
            return lastStop
        }
        stopping = true
        shutdown(listenFD, Int32(SHUT_RDWR))
        // Under the lock, so no worker closes its duplicate fd while we use it.
        for fd in idleConnections.values { shutdown(fd, Int32(SHUT_RDWR)) }
        state.unlock()

        let deadline = Date().addingTimeInterval(configuration.shutdownGrace)
        state.lock()
        while busy > 0 || running > 0, state.wait(until: deadline) {}
        let result = StopResult(requestsFinished: busy == 0, workersExited: running == 0)
        lastStop = result
        state.unlock()
        if case .unix(let path, _) = configuration.address { unlink(path) }
        return result
    }

    /// Runs until SIGTERM or SIGINT, then stops gracefully. `signals` must have been made
    /// before any other thread started, so the signals arrive only at `wait()`.
    public func run(until signals: TerminationSignals, onStart: () -> Void = {}) throws -> StopResult {
        try start()
        onStart()
        signals.wait()
        return shutDown()
    }

    private func spawnWorker(index: Int) throws {
        let context = Unmanaged.passRetained(WorkerContext(server: self, index: index)).toOpaque()
        var thread = pthread_t()
        state.lock()
        running += 1
        state.unlock()
        let result = pthread_create(&thread, nil, { raw in
            let context = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
            context.server.work(index: context.index)
            return nil
        }, context)
        guard result == 0 else {
            Unmanaged<WorkerContext>.fromOpaque(context).release()
            state.lock()
            running -= 1
            state.unlock()
            throw FastCGIServerError.cannotStartThread(errno: result)
        }
        pthread_detach(thread)
    }
}

private final class WorkerContext {
    let server: FastCGIServer
    let index: Int
    init(server: FastCGIServer, index: Int) {
        self.server = server
        self.index = index
    }
}
