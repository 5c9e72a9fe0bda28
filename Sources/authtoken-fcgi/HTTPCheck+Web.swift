import AuthTokenWeb
import HTTPCheck

/// Where the HTTP check listener's values meet the web layer's: the check handler sees the
/// same `HTTPRequest` from either transport, and its `HTTPResponse` goes out on either.
extension HTTPRequest {
    /// nginx passes what the check reads as request headers (nginx/authtoken-check-http.conf):
    /// `X-Original-URI`, `X-Authtoken-Scope`, `Authorization`, the client's address in
    /// `X-Real-IP` and the request id in `X-Request-Id`. The FastCGI form has the address in
    /// `REMOTE_ADDR` instead.
    init(check request: HTTPCheckRequest) {
        self.init(
            method: request.method, path: String(request.path), query: String(request.query),
            headers: request.headers, remoteAddress: request.headers["x-real-ip"] ?? "")
    }
}

extension HTTPResponse {
    var httpCheck: HTTPCheckResponse {
        HTTPCheckResponse(status: status, headers: headers, body: body)
    }
}
