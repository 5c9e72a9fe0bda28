import CFastCGI
import Foundation

extension FastCGIServer {
    /// One worker's accept loop. It ends when accepting fails, which after `stop()` it does.
    func work(index: Int) {
        if configuration.niceness != 0 {
            setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, configuration.niceness)  // 0: this thread
        }
        var request = FCGX_Request()
        FCGX_InitRequest(&request, listenFD, 0)
        while true {
            state.lock()
            if stopping {
                state.unlock()
                break
            }
            // A kept connection is registered as a duplicate fd: libfcgi may close its own
            // fd inside FCGX_Accept_r, and the number could then name another socket by the
            // time `stop()` shuts it down. The duplicate keeps naming this one.
            if request.ipcFd >= 0 { idleConnections[index] = dup(request.ipcFd) }
            state.unlock()

            let accepted = FCGX_Accept_r(&request)

            state.lock()
            if let duplicate = idleConnections.removeValue(forKey: index) { close(duplicate) }
            if accepted >= 0 { busy += 1 }
            state.unlock()
            guard accepted >= 0 else { break }

            serve(&request)
            FCGX_Finish_r(&request)

            state.lock()
            busy -= 1
            state.broadcast()
            state.unlock()
        }
        FCGX_Free(&request, 1)
        state.lock()
        running -= 1
        state.broadcast()
        state.unlock()
    }

    func serve(_ request: inout FCGX_Request) {
        let (params, notUTF8) = Self.params(request.envp)
        let response: FastCGIResponse
        switch readBody(request.in, contentLength: params["CONTENT_LENGTH"]) {
        case .body(let body):
            response = handler(FastCGIRequest(params: params, body: body, notUTF8: notUTF8))
        case .tooLarge:
            response = .plain(413, "The request body is too large.")
        case .malformed:
            response = .plain(400, "The request body does not match its Content-Length.")
        }
        write(response, to: request.out)
    }

    /// `KEY=VALUE` strings to a dictionary; the first of repeated keys wins. Works on the
    /// bytes (`memchr` for the `=`): this runs for every parameter of every request.
    /// Also returns the names whose values were not UTF-8 (decoding repaired them).
    static func params(_ envp: FCGX_ParamArray?) -> ([String: String], Set<String>) {
        var params: [String: String] = [:]
        var notUTF8: Set<String> = []
        params.reserveCapacity(48)
        guard var cursor = envp else { return (params, notUTF8) }
        while let entry = cursor.pointee {
            cursor += 1
            let length = strlen(entry)
            guard let eq = memchr(entry, Int32(UInt8(ascii: "=")), length) else { continue }
            let nameLength = entry.distance(to: eq.assumingMemoryBound(to: CChar.self))
            let name = String(decoding: UnsafeRawBufferPointer(start: entry, count: nameLength), as: UTF8.self)
            if params[name] != nil { continue }
            let bytes = UnsafeRawBufferPointer(start: entry + nameLength + 1, count: length - nameLength - 1)
            // One validating pass; only a value that is not UTF-8 is decoded again, with
            // repairs, and its name reported so the web layer can refuse it.
            if let value = String(validating: bytes, as: UTF8.self) {
                params[name] = value
            } else {
                params[name] = String(decoding: bytes, as: UTF8.self)
                notUTF8.insert(name)
            }
        }
        return (params, notUTF8)
    }

    enum BodyRead { case body([UInt8]), tooLarge, malformed }

    /// Reads exactly `CONTENT_LENGTH` bytes (none without it), then the end of stdin. A body
    /// that ends early or goes on longer is malformed (libfcgi sees the end of stdin, so this
    /// never hangs); one over the cap is drained and refused.
    ///
    /// Stdin is always read to its end: on a kept connection libfcgi would otherwise take an
    /// end-of-stdin record that arrived after the body for the start of the next request, and
    /// close the connection under it.
    func readBody(_ stream: UnsafeMutablePointer<FCGX_Stream>?, contentLength: String?) -> BodyRead {
        var length = 0
        if let text = contentLength, !text.isEmpty {
            guard text.utf8.allSatisfy({ (48...57).contains($0) }), text.utf8.count <= 18, let value = Int(text) else {
                drain(stream)
                return .malformed
            }
            length = value
        }
        guard length <= configuration.maxBodyBytes else {
            drain(stream)
            return .tooLarge
        }
        var body = [UInt8](repeating: 0, count: length)
        var filled = 0
        while filled < length {
            let count = body.withUnsafeMutableBytes { buffer in
                FCGX_GetStr(buffer.baseAddress!.assumingMemoryBound(to: CChar.self) + filled,
                            Int32(length - filled), stream)
            }
            if count <= 0 { return .malformed }
            filled += Int(count)
        }
        var extra: CChar = 0
        if FCGX_GetStr(&extra, 1, stream) > 0 {
            drain(stream)
            return .malformed
        }
        return .body(body)
    }

    /// Reads and drops what is left of stdin, so a kept-alive connection stays in step.
    func drain(_ stream: UnsafeMutablePointer<FCGX_Stream>?) {
        var scratch = [CChar](repeating: 0, count: 16 * 1024)
        while FCGX_GetStr(&scratch, Int32(scratch.count), stream) > 0 {}
    }

    func write(_ response: FastCGIResponse, to stream: UnsafeMutablePointer<FCGX_Stream>?) {
        let head = response.encodedHead
        head.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { _ = FCGX_PutStr($0.baseAddress, Int32($0.count), stream) }
        }
        guard !response.body.isEmpty else { return }
        response.body.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { _ = FCGX_PutStr($0.baseAddress, Int32($0.count), stream) }
        }
    }
}
