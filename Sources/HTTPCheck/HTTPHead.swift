/// Why a request was refused before it reached the handler: the status to answer and a
/// short reason. The connection is closed after the answer, so nothing that follows the
/// refused bytes can be read as another request.
public struct HTTPRefusal: Error, Sendable, Equatable {
    public var status: Int
    public var reason: String

    public init(_ status: Int, _ reason: String) {
        self.status = status
        self.reason = reason
    }
}

/// The limits on one request head.
public struct HTTPLimits: Sendable, Equatable {
    /// The request line, every header line and the blank line together. nginx's own limit
    /// on a client's request line is 8 KiB (`large_client_header_buffers`), and the check's
    /// `X-Original-URI` carries it, beside an `Authorization` line of up to 8 KiB.
    public var maxHeadBytes: Int
    /// Header lines; nginx sends about six for a check.
    public var maxHeaderCount: Int

    public init(maxHeadBytes: Int = 20 * 1024, maxHeaderCount: Int = 32) {
        self.maxHeadBytes = maxHeadBytes
        self.maxHeaderCount = maxHeaderCount
    }
}

/// The strict HTTP/1.1 request parser of the check listener: the subset nginx sends, and a
/// refusal for anything else (RFC 9112, read narrowly, so no two readers can disagree on
/// where a request ends):
/// - lines end in CRLF; a bare CR or a bare LF anywhere is refused (400);
/// - the request line is `METHOD SP origin-form SP HTTP/1.1` (or `HTTP/1.0`, which closes
///   after the answer); an unknown method is 501, another version 505;
/// - header names are tokens with the colon right after them; obs-fold, control bytes
///   (NUL, DEL…) in values, and any name given twice are refused;
/// - no body: any `Transfer-Encoding`, a `Content-Length` other than one `0`, are refused;
/// - over `maxHeadBytes` or `maxHeaderCount`: 431.
public enum HTTPHead {
    public enum Parse: Equatable {
        /// More bytes are needed. `scanned` tells the next call where to resume.
        case incomplete
        /// A request, and how many bytes of the buffer it took (the rest is the next one).
        case request(HTTPCheckRequest, length: Int)
        case refused(HTTPRefusal)
    }

    /// The methods nginx may send; anything else that is a token is 501.
    static let methods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]

    /// Parses the request at the start of `buffer`. `scanned` is how far earlier calls on the
    /// same growing buffer looked for the end of the head (start at 0; it is updated), so a
    /// client sending a byte at a time costs a pass over each byte once, not once per read.
    public static func parse(_ buffer: [UInt8], scanned: inout Int, limits: HTTPLimits = HTTPLimits()) -> Parse {
        buffer.withUnsafeBufferPointer { bytes in
            parse(bytes, scanned: &scanned, limits: limits)
        }
    }

    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, scanned: inout Int, limits: HTTPLimits) -> Parse {
        let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        var end: Int?
        var i = max(0, scanned)
        while i < bytes.count {
            let byte = bytes[i]
            if byte == lf {
                guard i > 0, bytes[i - 1] == cr else { return .refused(HTTPRefusal(400, "A line ends in a bare LF.")) }
                if i >= 3, bytes[i - 2] == lf {
                    end = i + 1
                    break
                }
            } else if byte == cr, i + 1 < bytes.count, bytes[i + 1] != lf {
                return .refused(HTTPRefusal(400, "A bare CR."))
            }
            i += 1
        }
        guard let end else {
            // The last byte may be a CR whose LF has not arrived: look at it again.
            scanned = max(0, bytes.count - 1)
            return bytes.count > limits.maxHeadBytes ? .refused(tooLarge) : .incomplete
        }
        guard end <= limits.maxHeadBytes else { return .refused(tooLarge) }
        switch head(UnsafeBufferPointer(rebasing: bytes[0..<(end - 2)]), limits: limits) {
        case .success(let request): return .request(request, length: end)
        case .failure(let refusal): return .refused(refusal)
        }
    }

    static let tooLarge = HTTPRefusal(431, "The request head is too large.")

    /// The head without its final blank line: lines separated by CRLF, the last one ending in
    /// CRLF too. Every CR here is followed by LF (the scan refused the others).
    static func head(_ bytes: UnsafeBufferPointer<UInt8>, limits: HTTPLimits) -> Result<HTTPCheckRequest, HTTPRefusal> {
        var lines: [UnsafeBufferPointer<UInt8>] = []
        var start = 0
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\r") {
                lines.append(UnsafeBufferPointer(rebasing: bytes[start..<i]))
                i += 2
                start = i
            } else {
                i += 1
            }
        }
        guard let first = lines.first else { return .failure(HTTPRefusal(400, "No request line.")) }
        guard lines.count - 1 <= limits.maxHeaderCount else { return .failure(HTTPRefusal(431, "Too many header lines.")) }
        let method: String, target: String, http10: Bool
        switch requestLine(first) {
        case .success(let line): (method, target, http10) = line
        case .failure(let refusal): return .failure(refusal)
        }
        var headers: [String: String] = [:]
        headers.reserveCapacity(lines.count)
        for line in lines.dropFirst() {
            switch field(line) {
            case .success(let (name, value)):
                guard headers.updateValue(value, forKey: name) == nil else {
                    return .failure(HTTPRefusal(400, "A header is given twice."))
                }
            case .failure(let refusal): return .failure(refusal)
            }
        }
        if headers["transfer-encoding"] != nil {
            return .failure(HTTPRefusal(400, "Transfer-Encoding is refused: the check takes no body."))
        }
        if let length = headers["content-length"], length != "0" {
            return .failure(HTTPRefusal(400, "A request body is refused: the check takes none."))
        }
        if !http10, headers["host"] == nil { return .failure(HTTPRefusal(400, "An HTTP/1.1 request needs Host.")) }
        var keepAlive = !http10
        if let connection = headers["connection"],
           connection.split(separator: ",").contains(where: { $0.trimmingBlanks().lowercased() == "close" }) {
            keepAlive = false
        }
        return .success(HTTPCheckRequest(method: method, target: target, headers: headers, keepAlive: keepAlive))
    }

    /// `METHOD SP origin-form SP HTTP/1.x`, with exactly one space between the three.
    static func requestLine(_ line: UnsafeBufferPointer<UInt8>) -> Result<(String, String, Bool), HTTPRefusal> {
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3 else { return .failure(HTTPRefusal(400, "The request line is malformed.")) }
        let (method, target, version) = (parts[0], parts[1], parts[2])
        guard !method.isEmpty, method.allSatisfy(isTokenByte) else {
            return .failure(HTTPRefusal(400, "The method is malformed."))
        }
        guard target.first == UInt8(ascii: "/"), target.allSatisfy({ (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "#") })
        else { return .failure(HTTPRefusal(400, "The request target is malformed.")) }
        let http10: Bool
        if version.elementsEqual("HTTP/1.1".utf8) {
            http10 = false
        } else if version.elementsEqual("HTTP/1.0".utf8) {
            http10 = true
        } else if version.count == 8, version.starts(with: "HTTP/".utf8),
                  isDigit(version[version.startIndex + 5]), version[version.startIndex + 6] == UInt8(ascii: "."),
                  isDigit(version[version.startIndex + 7]) {
            return .failure(HTTPRefusal(505, "Only HTTP/1.1 is served."))
        } else {
            return .failure(HTTPRefusal(400, "The HTTP version is malformed."))
        }
        let name = String(decoding: method, as: UTF8.self)
        guard methods.contains(name) else { return .failure(HTTPRefusal(501, "The method is not served.")) }
        return .success((name, String(decoding: target, as: UTF8.self), http10))
    }

    /// `name: value`: a token, the colon right after it, the value without the blanks around
    /// it. Values may hold visible ASCII, blanks and bytes over 0x7F (read as UTF-8, repaired).
    static func field(_ line: UnsafeBufferPointer<UInt8>) -> Result<(String, String), HTTPRefusal> {
        guard let first = line.first else { return .failure(HTTPRefusal(400, "An empty header line.")) }
        guard first != UInt8(ascii: " "), first != UInt8(ascii: "\t") else {
            return .failure(HTTPRefusal(400, "A folded header line (obs-fold) is refused."))
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            return .failure(HTTPRefusal(400, "A header line has no colon."))
        }
        let name = line[..<colon]
        guard !name.isEmpty, name.allSatisfy(isTokenByte) else {
            return .failure(HTTPRefusal(400, "A header name is malformed."))
        }
        var value = line[(colon + 1)...]
        while let byte = value.first, isBlank(byte) { value = value.dropFirst() }
        while let byte = value.last, isBlank(byte) { value = value.dropLast() }
        guard value.allSatisfy({ $0 == 0x09 || (0x20...0x7E).contains($0) || $0 >= 0x80 }) else {
            return .failure(HTTPRefusal(400, "A header value holds a control character."))
        }
        let lowered = name.map { (0x41...0x5A).contains($0) ? $0 + 32 : $0 }
        return .success((String(decoding: lowered, as: UTF8.self), String(decoding: value, as: UTF8.self)))
    }

    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    /// RFC 9110's tchar: letters, digits and `!#$%&'*+-.^_`|~`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"): true
        default: false
        }
    }
}

extension Substring {
    func trimmingBlanks() -> Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return s
    }
}
