import CFastCGI
import Glibc

/// Where the server takes connections from.
public enum ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// A Unix socket path, created with `mode` (so nginx's group can connect).
    case unix(path: String, mode: mode_t)
    /// `host:port`, e.g. `127.0.0.1:9000`.
    case tcp(host: String, port: Int)
    /// An already listening socket on fd 0, as spawn-fcgi and systemd socket units pass it.
    case inherited
    /// An already listening socket on another fd (`fd:3`): a systemd socket unit with
    /// several `ListenStream=` lines passes them as fds 3, 4, ... in order.
    case descriptor(Int32)

    /// Parses `unix:/path`, `/path`, `host:port`, `stdin` (or `fd:0`) or `fd:N`.
    public init?(_ text: String, socketMode: mode_t = 0o660) {
        if text == "stdin" || text == "fd:0" {
            self = .inherited
        } else if text.hasPrefix("fd:") {
            guard let fd = Int32(text.dropFirst(3)), (3...1023).contains(fd), text.dropFirst(3).allSatisfy(\.isNumber)
            else { return nil }
            self = .descriptor(fd)
        } else if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard path.hasPrefix("/") else { return nil }
            self = .unix(path: path, mode: socketMode)
        } else if text.hasPrefix("/") {
            self = .unix(path: text, mode: socketMode)
        } else if let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
                  (1...65535).contains(port) {
            let host = String(text[..<colon])
            guard !host.isEmpty else { return nil }
            self = .tcp(host: host, port: port)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .unix(let path, _): "unix:\(path)"
        case .tcp(let host, let port): "\(host):\(port)"
        case .inherited: "stdin"
        case .descriptor(let fd): "fd:\(fd)"
        }
    }

    /// Opens the listening socket and returns its fd.
    func open(backlog: Int32) throws -> Int32 {
        switch self {
        case .inherited:
            return 0
        case .descriptor(let fd):
            // It must be a listening socket: anything else would make every accept fail.
            var listening: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) == 0, listening != 0 else {
                throw FastCGIServerError.listen(description + " (not a listening socket)")
            }
            return fd
        case .unix(let path, let mode):
            Self.removeStaleSocket(at: path)
            let fd = FCGX_OpenSocket(path, backlog)
            guard fd >= 0 else { throw FastCGIServerError.listen(description) }
            guard chmod(path, mode) == 0 else { throw FastCGIServerError.listen(description) }
            return fd
        case .tcp(let host, let port):
            let fd = FCGX_OpenSocket("\(host):\(port)", backlog)
            guard fd >= 0 else { throw FastCGIServerError.listen(description) }
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

/// Why a server could not start. The `errno` of the failing call is captured when the
/// error is made: by the time it is printed, other calls have overwritten it.
public enum FastCGIServerError: Error, CustomStringConvertible {
    case cannotListen(String, errno: Int32)
    case cannotStartThread(errno: Int32)

    /// The error for `address`, with the current `errno`.
    static func listen(_ address: String) -> FastCGIServerError { .cannotListen(address, errno: errno) }

    public var description: String {
        switch self {
        case .cannotListen(let address, let code): "cannot listen on \(address): \(String(cString: strerror(code)))"
        case .cannotStartThread(let code): "cannot start a worker thread: \(String(cString: strerror(code)))"
        }
    }
}
