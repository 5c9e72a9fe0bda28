/// The home page; the routes of every page are in `WebApp.routes`.
extension WebApp {
    /// `/`: the token list for a signed-in person, the sign-in form for anyone else.
    func home(_ request: HTTPRequest, _ browser: BrowserSettings) -> HTTPResponse {
        do {
            return .redirect(try signedIn(request, browser) != nil ? "/tokens" : "/signin")
        } catch {
            return failure(error, browser)
        }
    }
}
