import Foundation
import Glibc

/// Just enough of the web-server side of FastCGI to drive the server in tests, including
/// requests nginx would never send (short bodies, lying CONTENT_LENGTH).
final class FastCGIClient {
    let fd: Int32

    /// Connects on a local fd and stores it only on success: a class whose init throws
    /// after `fd` is set still runs `deinit`, which would close the number a second time,
    /// by then perhaps another test's socket.
    init(path: String) throws {
        let socketFD = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (i, byte) in path.utf8.enumerated() { buffer[i] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let error = errno
            close(socketFD)
            throw ClientError.cannotConnect(error)
        }
        fd = socketFD
    }

    deinit { close(fd) }

    enum ClientError: Error { case cannotConnect(Int32), closed }

    /// Sends one request with id 1. `stdin` is sent as given, then (unless `endStdin` is
    /// false; see `endStdin()`) the end-of-stream record.
    func send(params: [String: String], stdin: [UInt8] = [], keepConnection: Bool = false, endStdin: Bool = true) {
        send(pairs: params.map { (Array($0.key.utf8), Array($0.value.utf8)) }, stdin: stdin,
             keepConnection: keepConnection, endStdin: endStdin)
    }

    /// The same with parameters as raw bytes, in order: repeated names, values not UTF-8.
    func send(pairs: [([UInt8], [UInt8])], stdin: [UInt8] = [], keepConnection: Bool = false, endStdin: Bool = true) {
        write(record(type: 1, content: [0, 1, keepConnection ? 1 : 0, 0, 0, 0, 0, 0]))
        var encoded: [UInt8] = []
        for (name, value) in pairs {
            encoded += length(name.count) + length(value.count) + name + value
        }
        write(record(type: 4, content: encoded))
        write(record(type: 4, content: []))
        var offset = 0
        while offset < stdin.count {
            let end = min(offset + 65_535, stdin.count)
            write(record(type: 5, content: Array(stdin[offset..<end])))
            offset = end
        }
        if endStdin { self.endStdin() }
    }

    /// The empty STDIN record that ends the request's body.
    func endStdin() { write(record(type: 5, content: [])) }

    /// Reads records until END_REQUEST and returns the STDOUT bytes as text.
    func receive() throws -> String {
        var output: [UInt8] = []
        while true {
            let header = try read(8)
            let length = Int(header[4]) << 8 | Int(header[5])
            let content = try read(length + Int(header[6]))
            switch header[1] {
            case 6: output += content.prefix(length)
            case 3: return String(decoding: output, as: UTF8.self)
            default: continue
            }
        }
    }

    func request(_ params: [String: String], stdin: [UInt8] = [], keepConnection: Bool = false) throws -> String {
        send(params: params, stdin: stdin, keepConnection: keepConnection)
        return try receive()
    }

    private func record(type: UInt8, content: [UInt8]) -> [UInt8] {
        [1, type, 0, 1, UInt8(content.count >> 8), UInt8(content.count & 0xff), 0, 0] + content
    }

    private func length(_ n: Int) -> [UInt8] {
        n < 128 ? [UInt8(n)] : [UInt8(n >> 24) | 0x80, UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)]
    }

    private func write(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    private func read(_ count: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = buffer[got...].withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { throw ClientError.closed }
            got += n
        }
        return buffer
    }
}
