/// An answer to write back: status, headers and body. Header names and values must not
/// contain CR or LF; `encodedHead` drops any header that does, so a value taken from a
/// request can never split the response.
public struct FastCGIResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func == (a: FastCGIResponse, b: FastCGIResponse) -> Bool {
        a.status == b.status && a.body == b.body
            && a.headers.map { "\($0.0): \($0.1)" } == b.headers.map { "\($0.0): \($0.1)" }
    }

    /// A short plain-text answer, used by the server itself for 400 and 413.
    public static func plain(_ status: Int, _ text: String) -> FastCGIResponse {
        FastCGIResponse(
            status: status, headers: [("Content-Type", "text/plain; charset=UTF-8")],
            body: Array((text + "\n").utf8))
    }

    /// The CGI response head: a `Status:` line, the headers, and the blank line.
    public var encodedHead: [UInt8] {
        var head = "Status: \(status) \(Self.reason(status))\r\n"
        for (name, value) in headers where Self.isSafe(name) && Self.isSafe(value) {
            head += "\(name): \(value)\r\n"
        }
        head += "\r\n"
        return Array(head.utf8)
    }

    static func isSafe(_ text: String) -> Bool {
        !text.utf8.contains { $0 == 13 || $0 == 10 || $0 == 0 }
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 204: "No Content"
        case 302: "Found"
        case 303: "See Other"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 413: "Content Too Large"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}
