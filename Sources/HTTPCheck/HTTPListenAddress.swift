import CEpoll
import Foundation
import Glibc

/// Where the HTTP check listener takes connections from: `http+unix:/path` (created with
/// `mode`, so nginx's group can connect), `http://host:port` (a numeric address or a
/// name, e.g. `http://127.0.0.1:9001`) or `http+fd:N` (a listening socket inherited on fd
/// N, as a systemd socket unit passes it).
public enum HTTPListenAddress: Sendable, Equatable, CustomStringConvertible {
    case unix(path: String, mode: mode_t)
    case tcp(host: String, port: Int)
    case descriptor(Int32)

    public init?(_ text: String, socketMode: mode_t = 0o660) {
        if text.hasPrefix("http+fd:") {
            let number = text.dropFirst("http+fd:".count)
            guard let fd = Int32(number), number.allSatisfy(\.isNumber), (0...1023).contains(fd) else { return nil }
            self = .descriptor(fd)
        } else if text.hasPrefix("http+unix:") {
            let path = String(text.dropFirst("http+unix:".count))
            guard path.hasPrefix("/"), path.utf8.count < 108 else { return nil }
            self = .unix(path: path, mode: socketMode)
        } else if text.hasPrefix("http://") {
            let rest = text.dropFirst("http://".count)
            guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]),
                  (1...65535).contains(port), rest[rest.index(after: colon)...].allSatisfy(\.isNumber)
            else { return nil }
            var host = String(rest[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty, !host.contains("/") else { return nil }
            self = .tcp(host: host, port: port)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .unix(let path, _): "http+unix:\(path)"
        case .tcp(let host, let port): host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
        case .descriptor(let fd): "http+fd:\(fd)"
        }
    }

    /// Opens the listening socket, non-blocking, and returns its fd.
    func open(backlog: Int32) throws(HTTPCheckError) -> Int32 {
        switch self {
        case .descriptor(let fd):
            // It must be a listening socket: anything else would make every accept fail.
            var listening: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) == 0, listening != 0 else {
                throw .cannotListen(description + " (not a listening socket)", errno: errno)
            }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            return fd
        case .unix(let path, let mode):
            Self.removeStaleSocket(at: path)
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw .listen(description) }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (i, byte) in path.utf8.enumerated() { raw[i] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard bound == 0, chmod(path, mode) == 0, listen(fd, backlog) == 0 else {
                let error = HTTPCheckError.listen(description)
                close(fd)
                throw error
            }
            return fd
        case .tcp(let host, let port):
            var hints = addrinfo()
            hints.ai_flags = AI_PASSIVE
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var found: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, String(port), &hints, &found) == 0, let info = found else {
                throw .cannotListen(description, errno: EADDRNOTAVAIL)
            }
            defer { freeaddrinfo(found) }
            let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw .listen(description) }
            var on: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
            guard bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0, listen(fd, backlog) == 0 else {
                let error = HTTPCheckError.listen(description)
                close(fd)
                throw error
            }
            return fd
        }
    }

    /// A socket file left by a process that died is removed; any other file is left alone,
    /// and binding then fails with a clear error.
    static func removeStaleSocket(at path: String) {
        var info = stat()
        if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFSOCK {
            unlink(path)
        }
    }
}

/// Why the listener could not start. The `errno` is captured when the error is made.
public enum HTTPCheckError: Error, CustomStringConvertible {
    case cannotListen(String, errno: Int32)
    case cannotStart(String, errno: Int32)

    static func listen(_ address: String) -> HTTPCheckError { .cannotListen(address, errno: errno) }

    public var description: String {
        switch self {
        case .cannotListen(let address, let code): "cannot listen on \(address): \(String(cString: strerror(code)))"
        case .cannotStart(let what, let code): "cannot start the HTTP check listener: \(what): \(String(cString: strerror(code)))"
        }
    }
}
