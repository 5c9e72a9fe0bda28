import Foundation
import Glibc
import HTTPCheck
import Synchronization
import Testing

/// A client on the listener's Unix socket: raw bytes out, everything the server sent in.
final class RawClient {
    let fd: Int32

    init(path: String) throws {
        let socketFD = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.enumerated() { raw[i] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            close(socketFD)
            throw Failure.cannotConnect
        }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        fd = socketFD
    }

    deinit { close(fd) }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads until `text` has arrived whole, or the connection ends; what was read.
    func read(until text: String) -> String {
        var got: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: got, as: UTF8.self).contains(text) {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count <= 0 { break }
            got += chunk[..<count]
        }
        return String(decoding: got, as: UTF8.self)
    }

    /// True when the server has closed the connection (recv returns 0 within 10 s).
    var closedByServer: Bool {
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, 0) == 0
    }

    enum Failure: Error { case cannotConnect }
}

/// The listener over a real socket: kept connections, the connection limit, and a
/// graceful stop with a check in flight.
@Suite struct HTTPCheckServerTests {
    static func start(maxConnections: Int = 64, handler: @escaping HTTPCheckServer.Handler) throws -> (HTTPCheckServer, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("http-check-\(UUID().uuidString.prefix(8)).sock").path
        let server = HTTPCheckServer(
            configuration: .init(address: .unix(path: path, mode: 0o600), threads: 2, maxConnections: maxConnections,
                                 shutdownGrace: 10),
            handler: handler)
        try server.start()
        return (server, path)
    }

    static func request(_ target: String) -> String { "GET \(target) HTTP/1.1\r\nHost: t\r\n\r\n" }

    @Test func aKeptConnectionServesRequestAfterRequest() throws {
        let (server, path) = try Self.start { HTTPCheckResponse(status: 200, headers: [("X-Target", $0.target)]) }
        defer { server.stop() }
        let client = try RawClient(path: path)
        for target in ["/a", "/b", "/c"] {
            client.send(Self.request(target))
            #expect(client.read(until: "\r\n\r\n") == "HTTP/1.1 200 OK\r\nX-Target: \(target)\r\nContent-Length: 0\r\n\r\n")
        }
    }

    @Test func overTheConnectionLimitAConnectionGets503AndIsClosed() throws {
        let (server, path) = try Self.start(maxConnections: 2) { _ in HTTPCheckResponse(status: 204) }
        defer { server.stop() }
        let kept = try (0..<2).map { _ in try RawClient(path: path) }
        for client in kept {
            client.send(Self.request("/"))
            #expect(client.read(until: "\r\n\r\n").hasPrefix("HTTP/1.1 204 No Content\r\n"))
        }
        let over = try RawClient(path: path)
        #expect(over.read(until: "Too many connections.\n").hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
        #expect(over.closedByServer)
        #expect(server.connectionCount == 2)
        withExtendedLifetime(kept) {}  // the kept connections stay open until here
    }

    @Test func stopFinishesTheCheckInFlightAndClosesIdleConnections() throws {
        let entered = Mutex(false), gate = NSCondition()
        nonisolated(unsafe) var open = false
        let (server, path) = try Self.start { request in
            if request.target == "/slow" {
                entered.withLock { $0 = true }
                gate.lock()
                while !open { gate.wait() }
                gate.unlock()
            }
            return HTTPCheckResponse(status: 200, headers: [("X-Target", request.target)])
        }
        let idle = try RawClient(path: path)
        idle.send(Self.request("/fast"))
        #expect(idle.read(until: "\r\n\r\n").contains("X-Target: /fast"))
        let busy = try RawClient(path: path)
        busy.send(Self.request("/slow"))
        while !entered.withLock({ $0 }) { Thread.sleep(forTimeInterval: 0.01) }

        let stopped = Mutex<HTTPCheckServer.StopResult?>(nil)
        let stopper = Thread {
            let result = server.shutDown()
            stopped.withLock { $0 = result }
        }
        let began = Date()
        stopper.start()
        // The idle connection is closed at once, while the check is still running.
        #expect(idle.closedByServer)
        #expect(Date().timeIntervalSince(began) < 2)
        #expect(stopped.withLock { $0 } == nil)
        #expect((try? RawClient(path: path)) == nil)  // no longer accepting
        gate.lock()
        open = true
        gate.broadcast()
        gate.unlock()
        // The check in flight gets its whole answer, and its connection then closes.
        #expect(busy.read(until: "Connection: close\r\n\r\n")
            == "HTTP/1.1 200 OK\r\nX-Target: /slow\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        #expect(busy.closedByServer)
        let deadline = Date().addingTimeInterval(10)
        while stopped.withLock({ $0 }) == nil, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        let result = try #require(stopped.withLock { $0 })
        #expect(result.requestsFinished && result.workersExited)
    }
}
