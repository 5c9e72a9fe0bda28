/// Answers of the browser pages.
extension HTTPResponse {
    /// An HTML page. `no-store` on every page: a private page must not come back from the
    /// cache (or the back button) after sign-out, and a shown token must not be kept.
    static func html(_ status: Int, _ text: String) -> HTTPResponse {
        HTTPResponse(
            status: status,
            headers: [("Content-Type", "text/html; charset=UTF-8"), ("Cache-Control", "no-store")],
            body: Array(text.utf8))
    }

    /// 303 See Other: after a POST the browser follows it with a GET, so reloading the
    /// next page never repeats the action.
    static func redirect(_ location: String) -> HTTPResponse {
        HTTPResponse(status: 303, headers: [("Location", location), ("Cache-Control", "no-store")])
    }
}
