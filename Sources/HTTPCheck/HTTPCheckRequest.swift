/// One request as the check listener parsed it: nothing but what nginx's `proxy_pass`
/// sends for a check (a method, an origin-form target, a few headers, no body).
public struct HTTPCheckRequest: Sendable, Equatable {
    public var method: String
    /// The request target as sent, e.g. `/_authtoken/check` (path and query, still encoded).
    public var target: String
    /// Header names in lower case; each name appears once (a repeated one is refused).
    public var headers: [String: String]
    /// False for HTTP/1.0 and for `Connection: close`: the connection ends after the answer.
    public var keepAlive: Bool

    public init(method: String, target: String, headers: [String: String] = [:], keepAlive: Bool = true) {
        self.method = method
        self.target = target
        self.headers = headers
        self.keepAlive = keepAlive
    }

    /// The target's path, without the query.
    public var path: Substring {
        target.utf8.firstIndex(of: UInt8(ascii: "?")).map { target[..<$0] } ?? target[...]
    }

    /// The target's query, without the `?`; empty without one.
    public var query: Substring {
        target.utf8.firstIndex(of: UInt8(ascii: "?")).map { target[target.utf8.index(after: $0)...] } ?? ""
    }
}

/// An answer to write back. The server adds `Content-Length` (and `Connection: close`
/// when it ends the connection); a header of those names, or one whose name or value holds
/// CR, LF or NUL, is dropped, so nothing taken from a request can split or reframe it.
public struct HTTPCheckResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func == (a: HTTPCheckResponse, b: HTTPCheckResponse) -> Bool {
        a.status == b.status && a.body == b.body && a.headers.elementsEqual(b.headers, by: ==)
    }

    /// The whole answer on the wire. `headOnly` (a HEAD request) leaves out the body but
    /// keeps its length; `close` adds `Connection: close`. Built on bytes: it runs for every
    /// check.
    public func encoded(headOnly: Bool = false, close: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(160 + (headOnly ? 0 : body.count))
        bytes += "HTTP/1.1 ".utf8
        Self.appendNumber(status, to: &bytes)
        bytes.append(UInt8(ascii: " "))
        bytes += Self.reason(status).utf8
        bytes += Self.lineEnd
        for (name, value) in headers where Self.isSafe(name) && Self.isSafe(value) && !Self.framing(name) {
            bytes += name.utf8
            bytes += Self.colon
            bytes += value.utf8
            bytes += Self.lineEnd
        }
        bytes += "Content-Length: ".utf8
        Self.appendNumber(body.count, to: &bytes)
        bytes += Self.lineEnd
        if close { bytes += "Connection: close\r\n".utf8 }
        bytes += Self.lineEnd
        if !headOnly { bytes += body }
        return bytes
    }

    static let lineEnd: [UInt8] = [13, 10]
    static let colon: [UInt8] = [UInt8(ascii: ":"), UInt8(ascii: " ")]

    static func appendNumber(_ number: Int, to bytes: inout [UInt8]) {
        guard number >= 10 else { return bytes.append(UInt8(ascii: "0") + UInt8(max(0, number))) }
        appendNumber(number / 10, to: &bytes)
        bytes.append(UInt8(ascii: "0") + UInt8(number % 10))
    }

    /// A refusal from the server itself: a short text, and the connection closes.
    static func refusal(_ refusal: HTTPRefusal) -> HTTPCheckResponse {
        HTTPCheckResponse(
            status: refusal.status, headers: [("Content-Type", "text/plain; charset=UTF-8"), ("Cache-Control", "no-store")],
            body: Array((refusal.reason + "\n").utf8))
    }

    static func isSafe(_ text: String) -> Bool {
        !text.utf8.contains { $0 == 13 || $0 == 10 || $0 == 0 }
    }

    /// The headers that frame the message: the server alone writes them.
    static func framing(_ name: String) -> Bool {
        let count = name.utf8.count
        guard count == 10 || count == 14 || count == 17 else { return false }  // cheap: most names differ in length
        switch name.lowercased() {
        case "content-length", "transfer-encoding", "connection": return true
        default: return false
        }
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 204: "No Content"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: "Status"
        }
    }
}
