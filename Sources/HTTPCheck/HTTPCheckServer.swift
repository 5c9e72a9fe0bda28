import Foundation
import CEpoll
import Glibc
import Lifecycle

/// The token check over HTTP/1.1 with kept connections (nginx `proxy_pass` to an upstream
/// with `keepalive`), beside the FastCGI listeners, in the same process.
///
/// No thread per connection: every socket is in one epoll set, in one-shot mode, and the
/// worker threads all wait on it. A worker takes one ready connection, reads what is there
/// without blocking, and, once a whole request head has arrived, parses it strictly
/// (`HTTPHead`), runs the handler (which may wait on the store: only this worker waits),
/// writes the answer and gives the connection back to the set. A slow client, a partial
/// request, or ten thousand idle connections hold no thread; `reaper` closes those past
/// their deadline. Pipelined requests are answered in order, one after the other.
///
/// `@unchecked Sendable`: the mutable state is guarded by `state`, except the fds, which
/// `start()` writes before any thread exists, and a connection's buffer, which only its
/// current holder touches (see `HTTPConnection`).
public final class HTTPCheckServer: BackgroundTask, @unchecked Sendable {
    public typealias Handler = @Sendable (HTTPCheckRequest) -> HTTPCheckResponse

    public let configuration: Configuration
    public var name: String { "HTTP check listener \(configuration.address)" }
    let handler: Handler

    var epollFD: Int32 = -1
    var listenFD: Int32 = -1
    /// Written once at stop: level-triggered, so every worker's `epoll_wait` returns.
    var wakeFD: Int32 = -1
    /// Kept open to be closed when accepting fails for want of fds, so a connection over
    /// the process's limit can still be accepted and closed instead of spinning.
    var spareFD: Int32 = -1

    /// Guards everything below.
    let state = NSCondition()
    var connections: [Int32: HTTPConnection] = [:]
    var generation: UInt32 = 0
    var started = false
    var stopping = false
    /// Connections a worker holds (requests in flight).
    var busy = 0
    var running = 0
    var workers: [JoinableThread] = []
    var reaper: JoinableThread?
    let reaperStop = StopSignal()
    var lastStop: StopResult?

    static let listenKey = UInt64.max
    static let wakeKey = UInt64.max - 1

    public init(configuration: Configuration, handler: @escaping Handler) {
        self.configuration = configuration
        self.handler = handler
    }

    /// What `stop()` achieved within the grace period.
    public struct StopResult: Sendable, Equatable {
        public var requestsFinished: Bool
        public var workersExited: Bool
    }

    public var stopResult: StopResult? {
        state.lock()
        defer { state.unlock() }
        return lastStop
    }

    /// Open connections now (for tests and the log).
    public var connectionCount: Int {
        state.lock()
        defer { state.unlock() }
        return connections.count
    }

    public func start() throws {
        state.lock()
        defer { state.unlock() }
        guard !started else { return }
        started = true
        signal(SIGPIPE, SIG_IGN)
        Self.raiseFileLimit(to: UInt64(configuration.maxConnections) + 256)
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_CLOEXEC) | Int32(EFD_NONBLOCK))
        spareFD = open("/dev/null", O_RDONLY | O_CLOEXEC)
        guard epollFD >= 0, wakeFD >= 0 else { throw HTTPCheckError.cannotStart("epoll", errno: errno) }
        listenFD = try configuration.address.open(backlog: configuration.backlog)
        try watch(listenFD, key: Self.listenKey, op: EPOLL_CTL_ADD, oneShot: true)
        try watch(wakeFD, key: Self.wakeKey, op: EPOLL_CTL_ADD, oneShot: false)
        do {
            for index in 0..<configuration.threads {
                running += 1
                workers.append(try JoinableThread(name: "http-check-\(index)") { [self] in work() })
            }
            reaper = try JoinableThread(name: "http-check-idle") { [self] in
                while reaperStop.sleep(1) { closeExpired() }
            }
        } catch {
            running = workers.count
            throw HTTPCheckError.cannotStart("threads", errno: error.status)
        }
    }

    public func stop() {
        shutDown()
    }

    /// Stops accepting, closes waiting connections (idle or partial), lets requests in
    /// flight finish (their connections then close), and joins the threads that exited
    /// within the grace period.
    @discardableResult
    public func shutDown() -> StopResult {
        state.lock()
        if let lastStop {
            state.unlock()
            return lastStop
        }
        guard started else {
            state.unlock()
            return StopResult(requestsFinished: true, workersExited: true)
        }
        stopping = true
        epoll_ctl(epollFD, EPOLL_CTL_DEL, listenFD, nil)
        close(listenFD)
        if case .unix(let path, _) = configuration.address { unlink(path) }
        for connection in connections.values where !connection.busy { forget(connection) }
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
        state.unlock()

        reaperStop.stop()
        reaper?.join()
        let deadline = Date().addingTimeInterval(configuration.shutdownGrace)
        state.lock()
        while busy > 0 || running > 0, state.wait(until: deadline) {}
        let result = StopResult(requestsFinished: busy == 0, workersExited: running == 0)
        lastStop = result
        state.unlock()
        if result.workersExited {
            for worker in workers { worker.join() }
            close(epollFD)
            close(wakeFD)
            close(spareFD)
        }
        return result
    }

    /// Adds or re-arms `fd` in the epoll set for reading.
    func watch(_ fd: Int32, key: UInt64, op: Int32, oneShot: Bool) throws(HTTPCheckError) {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | (oneShot ? EPOLLONESHOT.rawValue : 0)
        event.data.u64 = key
        guard epoll_ctl(epollFD, op, fd, &event) == 0 else { throw .cannotStart("epoll_ctl", errno: errno) }
    }

    /// Closes a connection and drops it from the set. Call with `state` locked.
    func forget(_ connection: HTTPConnection) {
        connections.removeValue(forKey: connection.fd)
        if connection.busy {
            connection.busy = false
            busy -= 1
        }
        close(connection.fd)  // also removes it from the epoll set
        state.broadcast()
    }

    /// Closes waiting connections past their deadline: idle ones and slow requests.
    func closeExpired() {
        let now = Self.now()
        state.lock()
        for connection in connections.values where !connection.busy && connection.deadline < now {
            forget(connection)
        }
        state.unlock()
    }

    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    static func nanoseconds(_ seconds: Double) -> UInt64 { UInt64(max(0, seconds) * 1_000_000_000) }

    /// Ten thousand kept connections need ten thousand fds: the soft limit is raised toward
    /// the hard one when it is lower than `wanted`.
    static func raiseFileLimit(to wanted: UInt64) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < wanted else { return }
        limit.rlim_cur = min(rlim_t(wanted), limit.rlim_max)
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
