import HTTPCheck
import Testing

/// The strict parser: what nginx sends passes; every framing ambiguity is refused.
@Suite struct HTTPHeadTests {
    static let check = "GET /_authtoken/check HTTP/1.1\r\nHost: authtoken_check\r\nX-Original-URI: /a?authtoken=x\r\n\r\n"

    func parse(_ text: String) -> HTTPHead.Parse {
        var scanned = 0
        return HTTPHead.parse(Array(text.utf8), scanned: &scanned)
    }

    func status(_ text: String) -> Int? {
        if case .refused(let refusal) = parse(text) { return refusal.status }
        return nil
    }

    @Test func whatNginxSendsIsARequest() {
        guard case .request(let request, let length) = parse(Self.check) else { Issue.record("not parsed"); return }
        #expect(length == Self.check.utf8.count)
        #expect(request.method == "GET")
        #expect(request.target == "/_authtoken/check")
        #expect(request.path == "/_authtoken/check")
        #expect(request.headers == ["host": "authtoken_check", "x-original-uri": "/a?authtoken=x"])
        #expect(request.keepAlive)
    }

    @Test func valuesLoseTheBlanksAroundThemAndNamesTheirCase() {
        guard case .request(let request, _) = parse("GET / HTTP/1.1\r\nHOST:\t a b \t\r\nContent-Length: 0\r\n\r\n") else {
            Issue.record("not parsed"); return
        }
        #expect(request.headers == ["host": "a b", "content-length": "0"])
    }

    @Test func aPartialHeadWaitsAndResumesWhereItStopped() {
        var scanned = 0
        let bytes = Array(Self.check.utf8)
        for cut in [1, 10, 40, bytes.count - 2, bytes.count - 1] {
            #expect(HTTPHead.parse(Array(bytes[..<cut]), scanned: &scanned) == .incomplete)
            #expect(scanned <= cut)
        }
        guard case .request = HTTPHead.parse(bytes, scanned: &scanned) else { Issue.record("not parsed"); return }
    }

    @Test func pipelinedRequestsAreTakenOneAtATime() {
        let two = Array((Self.check + "HEAD /_authtoken/health HTTP/1.1\r\nHost: h\r\n\r\n").utf8)
        var scanned = 0
        guard case .request(let first, let length) = HTTPHead.parse(two, scanned: &scanned) else { Issue.record("first"); return }
        #expect(first.method == "GET")
        scanned = 0
        guard case .request(let second, _) = HTTPHead.parse(Array(two[length...]), scanned: &scanned) else {
            Issue.record("second"); return
        }
        #expect(second.method == "HEAD" && second.target == "/_authtoken/health")
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\ncontent-length: 5\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 0, 0\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: +0\r\n\r\n", 400),
        ("GET / HTTP/1.1\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\n\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n 2\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\n\tX-A: 1\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{0}b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{7F}b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n\r\n", 400),
        ("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET http://x/ HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET /a#b HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
        ("GET / http/1.1\r\nHost: h\r\n\r\n", 400),
        ("BREW / HTTP/1.1\r\nHost: h\r\n\r\n", 501),
        ("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
    ])
    func ambiguousOrForeignHeadsAreRefused(text: String, expected: Int) {
        #expect(status(text) == expected, "\(text.debugDescription)")
    }

    @Test func oversizedHeadsAre431() {
        let long = "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "a", count: 21 * 1024) + "\r\n\r\n"
        #expect(status(long) == 431)
        // Without its end yet: refused as soon as the limit is passed, not waited on.
        #expect(status(String(long.prefix(20 * 1024 + 1))) == 431)
        let many = "GET / HTTP/1.1\r\nHost: h\r\n" + (0..<40).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        #expect(status(many) == 431)
    }

    @Test func http10AndConnectionCloseEndTheConnection() {
        guard case .request(let old, _) = parse("GET / HTTP/1.0\r\n\r\n"),
              case .request(let closing, _) = parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, Close\r\n\r\n")
        else { Issue.record("not parsed"); return }
        #expect(!old.keepAlive && !closing.keepAlive)
    }

    @Test func theAnswerIsFramedByTheServerAlone() {
        let response = HTTPCheckResponse(status: 401, headers: [
            ("Cache-Control", "no-store"), ("Content-Length", "99"), ("Transfer-Encoding", "chunked"),
            ("X-Split", "a\r\nX-Injected: 1"), ("Connection", "keep-alive"),
        ])
        #expect(String(decoding: response.encoded(), as: UTF8.self)
            == "HTTP/1.1 401 Unauthorized\r\nCache-Control: no-store\r\nContent-Length: 0\r\n\r\n")
        let health = HTTPCheckResponse(status: 200, body: Array("ok\n".utf8))
        #expect(String(decoding: health.encoded(headOnly: true, close: true), as: UTF8.self)
            == "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\n")
    }
}
