/// A request as the web layer sees it: no sockets, no libfcgi. The executable builds it
/// from the FastCGI parameters; tests build it directly.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The decoded path without the query, e.g. `/apiauthtoken/create`.
    public var path: String
    /// The raw query string, still percent-encoded.
    public var query: String
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: [UInt8]
    public var remoteAddress: String
    /// `http` or `https`, as nginx saw the request (links on the pages are built with it).
    public var scheme: String = "http"
    /// The port nginx took the request on (`SERVER_PORT`). Debian's `fastcgi_params` pass
    /// `$host` as the Host, without the port, so links need this to point back here.
    public var serverPort: String = ""
    /// False when the raw query string was not UTF-8: its parameters are then refused (400),
    /// as percent-escaped non-UTF-8 is, instead of being read with U+FFFD in them.
    public var queryIsUTF8 = true

    public init(
        method: String, path: String, query: String = "", headers: [String: String] = [:],
        body: [UInt8] = [], remoteAddress: String = ""
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// Builds a request from CGI variables (`REQUEST_METHOD`, `DOCUMENT_URI`, `HTTP_*`…),
    /// which is what nginx's `fastcgi_params` passes.
    public init(cgi params: [String: String], body: [UInt8], notUTF8: Set<String> = []) {
        var headers: [String: String] = [:]
        for (key, value) in params where key.utf8.starts(with: "HTTP_".utf8) {
            headers[Self.headerName(cgi: key)] = value
        }
        if let type = params["CONTENT_TYPE"], !type.isEmpty { headers["content-type"] = type }
        let requestURI = params["REQUEST_URI"] ?? ""
        let path = params["DOCUMENT_URI"] ?? String(decoding: requestURI.utf8.prefix { $0 != UInt8(ascii: "?") }, as: UTF8.self)
        self.init(
            method: params["REQUEST_METHOD"] ?? "GET", path: path, query: params["QUERY_STRING"] ?? "",
            headers: headers, body: body, remoteAddress: params["REMOTE_ADDR"] ?? "")
        if params["REQUEST_SCHEME"] == "https" || params["HTTPS"] == "on" { scheme = "https" }
        serverPort = params["SERVER_PORT"] ?? ""
        queryIsUTF8 = !notUTF8.contains("QUERY_STRING")
    }

    /// `HTTP_X_ORIGINAL_URI` → `x-original-uri`, on bytes (every header of every request).
    static func headerName(cgi key: String) -> String {
        String(decoding: key.utf8.dropFirst(5).map { byte -> UInt8 in
            switch byte {
            case UInt8(ascii: "_"): UInt8(ascii: "-")
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte + 32
            default: byte
            }
        }, as: UTF8.self)
    }

    /// True when the body is an HTML form post (`application/x-www-form-urlencoded`).
    public var hasFormBody: Bool {
        guard let type = headers["content-type"] else { return false }
        let mediaType = type.split(separator: ";", maxSplits: 1).first ?? ""
        return mediaType.trimmingCharacters(in: " \t").lowercased() == "application/x-www-form-urlencoded"
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s.removeFirst() }
        while let c = s.last, set.contains(c) { s.removeLast() }
        return String(s)
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}
