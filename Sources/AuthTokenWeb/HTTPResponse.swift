/// An answer from the web layer: status, headers and body, nothing else.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// What the metrics count this answer as, when its status does not say it: API mode's
    /// `token` or `CAUSE`. Never sent.
    public var outcome: String?

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = [], outcome: String? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.outcome = outcome
    }

    /// Equal when what is sent is equal (`outcome` is not sent).
    public static func == (a: HTTPResponse, b: HTTPResponse) -> Bool {
        a.status == b.status && a.body == b.body && a.headers.elementsEqual(b.headers, by: ==)
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// A short plain-text message; used for protocol-level refusals (400, 404, 405).
    public static func plain(_ status: Int, _ message: String) -> HTTPResponse {
        HTTPResponse(
            status: status,
            headers: [("Content-Type", "text/plain; charset=UTF-8"), ("Cache-Control", "no-store")],
            body: Array((message + "\n").utf8))
    }
}
