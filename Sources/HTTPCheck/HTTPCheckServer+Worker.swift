import Foundation
import CEpoll
import Glibc

extension HTTPCheckServer {
    /// One worker: takes one ready event at a time from the shared epoll set until the
    /// stop event arrives.
    func work() {
        // What a read lands in before it is appended to its connection's buffer: one per
        // worker, so a read costs no allocation.
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: configuration.limits.maxHeadBytes + 1, alignment: 1)
        defer { scratch.deallocate() }
        var event = epoll_event()
        while true {
            let count = epoll_wait(epollFD, &event, 1, -1)
            if count < 0 && errno == EINTR { continue }
            guard count == 1, event.data.u64 != Self.wakeKey else { break }
            if event.data.u64 == Self.listenKey {
                acceptAll()
            } else if let connection = claim(event.data.u64) {
                serve(connection, scratch: scratch)
            }
        }
        state.lock()
        running -= 1
        state.broadcast()
        state.unlock()
    }

    /// The connection an event is for, now held by this worker; nil when it was closed
    /// meanwhile (by the reaper or a stop).
    func claim(_ key: UInt64) -> HTTPConnection? {
        state.lock()
        defer { state.unlock() }
        guard let connection = connections[Int32(truncatingIfNeeded: key)], connection.key == key, !connection.busy
        else { return nil }
        connection.busy = true
        busy += 1
        return connection
    }

    /// Accepts what is pending. Over `maxConnections`, or while stopping, a connection is
    /// answered 503 and closed at once.
    func acceptAll() {
        for _ in 0..<256 {
            let fd = accept4(listenFD, nil, nil, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
            if fd < 0 {
                switch errno {
                case EINTR, ECONNABORTED: continue
                case EMFILE, ENFILE:
                    // Out of fds: give the spare back, take the connection and refuse it.
                    close(spareFD)
                    let refused = accept4(listenFD, nil, nil, Int32(SOCK_CLOEXEC.rawValue))
                    if refused >= 0 { refuse(refused) }
                    spareFD = open("/dev/null", O_RDONLY | O_CLOEXEC)
                    continue
                default: break
                }
                break
            }
            state.lock()
            guard !stopping, connections.count < configuration.maxConnections else {
                state.unlock()
                refuse(fd)
                continue
            }
            if case .tcp = configuration.address {
                var on: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            }
            generation &+= 1
            let connection = HTTPConnection(fd: fd, generation: generation)
            connection.deadline = Self.now() + Self.nanoseconds(configuration.idleTimeout)
            connections[fd] = connection
            if (try? watch(fd, key: connection.key, op: EPOLL_CTL_ADD, oneShot: true)) == nil { forget(connection) }
            state.unlock()
        }
        state.lock()
        if !stopping { try? watch(listenFD, key: Self.listenKey, op: EPOLL_CTL_MOD, oneShot: true) }
        state.unlock()
    }

    static let overLimit = HTTPCheckResponse.refusal(HTTPRefusal(503, "Too many connections."))
        .encoded(close: true)

    /// A connection that is not taken: a short 503 and close (best effort, never blocking).
    func refuse(_ fd: Int32) {
        Self.overLimit.withUnsafeBytes { _ = send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
        close(fd)
    }

    /// Reads what has arrived, answers every complete request in it, in order, then gives
    /// the connection back to the set (or closes it).
    func serve(_ connection: HTTPConnection, scratch: UnsafeMutableRawBufferPointer) {
        guard read(connection, into: scratch) else { return end(connection) }
        while true {
            if connection.buffer.isEmpty, connection.requestStarted != 0 { connection.requestStarted = 0 }
            switch HTTPHead.parse(connection.buffer, scanned: &connection.scanned, limits: configuration.limits) {
            case .incomplete:
                if connection.peerClosed { return end(connection) }
                return wait(connection)
            case .refused(let refusal):
                _ = write(HTTPCheckResponse.refusal(refusal).encoded(close: true), to: connection.fd)
                return end(connection, lingering: true)
            case .request(let request, let length):
                connection.buffer.removeFirst(length)
                connection.scanned = 0
                connection.requestStarted = connection.buffer.isEmpty ? 0 : Self.now()
                let response = handler(request)
                let close = !request.keepAlive || isStopping
                guard write(response.encoded(headOnly: request.method == "HEAD", close: close), to: connection.fd), !close
                else { return end(connection) }
            }
        }
    }

    var isStopping: Bool {
        state.lock()
        defer { state.unlock() }
        return stopping
    }

    /// One non-blocking read into the buffer, up to one byte over the head limit (which
    /// then refuses it). False when the connection is broken.
    func read(_ connection: HTTPConnection, into scratch: UnsafeMutableRawBufferPointer) -> Bool {
        let room = min(scratch.count, configuration.limits.maxHeadBytes + 1 - connection.buffer.count)
        guard room > 0 else { return true }
        let count = recv(connection.fd, scratch.baseAddress, room, 0)
        if count == 0 { connection.peerClosed = true }
        if count < 0 { return errno == EAGAIN || errno == EINTR }
        if connection.buffer.isEmpty, count > 0 { connection.requestStarted = Self.now() }
        connection.buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[..<count]))
        return true
    }

    /// Back to the epoll set until more arrives, with its deadline: the idle timeout, or,
    /// with part of a request read, what is left of the header timeout.
    func wait(_ connection: HTTPConnection) {
        state.lock()
        defer { state.unlock() }
        guard !stopping else { return forget(connection) }
        connection.deadline = connection.requestStarted == 0
            ? Self.now() + Self.nanoseconds(configuration.idleTimeout)
            : connection.requestStarted + Self.nanoseconds(configuration.headerTimeout)
        connection.busy = false
        busy -= 1
        state.broadcast()
        if (try? watch(connection.fd, key: connection.key, op: EPOLL_CTL_MOD, oneShot: true)) == nil {
            forget(connection)
        }
    }

    /// Closes the connection. `lingering`: after a refusal, our side is shut first and what
    /// the client already sent is read away, so closing does not reset the connection
    /// before the client has read the refusal.
    func end(_ connection: HTTPConnection, lingering: Bool = false) {
        if lingering {
            shutdown(connection.fd, Int32(SHUT_WR))
            var scratch = [UInt8](repeating: 0, count: 4096)
            for _ in 0..<16 where recv(connection.fd, &scratch, scratch.count, Int32(MSG_DONTWAIT)) > 0 {}
        }
        state.lock()
        forget(connection)
        state.unlock()
    }

    /// Writes all of `bytes`, waiting for room at most `writeTimeout` each time. False when
    /// the client is gone or too slow.
    func write(_ bytes: [UInt8], to fd: Int32) -> Bool {
        var sent = 0
        let timeout = Int32(configuration.writeTimeout * 1000)
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if count > 0 {
                sent += count
            } else if count < 0, errno == EAGAIN || errno == EINTR {
                var poll = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                guard Glibc.poll(&poll, 1, timeout) == 1 else { return false }
            } else {
                return false
            }
        }
        return true
    }
}
