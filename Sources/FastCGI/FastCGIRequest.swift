/// One request as the web server handed it over: the FastCGI parameters (CGI-style
/// variables such as `REQUEST_METHOD`, `QUERY_STRING`, `HTTP_COOKIE`) and the whole body.
public struct FastCGIRequest: Sendable {
    public var params: [String: String]
    public var body: [UInt8]
    /// Names of parameters whose bytes were not UTF-8 (their values hold U+FFFD instead):
    /// the handler decides whether that makes the request malformed.
    public var notUTF8: Set<String>

    public init(params: [String: String], body: [UInt8] = [], notUTF8: Set<String> = []) {
        self.params = params
        self.body = body
        self.notUTF8 = notUTF8
    }
}
