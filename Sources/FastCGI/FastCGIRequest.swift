/// One request as the web server handed it over: the FastCGI parameters (CGI-style
/// variables such as `REQUEST_METHOD`, `QUERY_STRING`, `HTTP_COOKIE`) and the whole body.
public struct FastCGIRequest: Sendable {
    public var params: [String: String]
    public var body: [UInt8]

    public init(params: [String: String], body: [UInt8] = []) {
        self.params = params
        self.body = body
    }
}
