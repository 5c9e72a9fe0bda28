import AuthTokenCore

/// Renders the pages: a template in the layout, with what every page needs to know about its
/// viewer, and the pre-session forms (sign-in, registration, confirmation, reset) with their
/// form token.
///
/// Before sign-in there is no session to tie a form token to, so those forms use a
/// pre-session cookie: a random id set with the form, and the form's token is its HMAC. A
/// forged cross-site POST has neither (login CSRF). The pre-session cookie outlives
/// sign-in: it grants nothing, and a second open sign-in tab keeps working.
struct PageRenderer: Sendable {
    let browser: BrowserSettings

    /// Renders `model` in the layout, with what every page needs to know about its viewer.
    func page(_ model: some PageModel, user: SignedIn?, status: Int = 200) -> HTTPResponse {
        let viewer = Viewer(
            signedIn: user != nil, registration: browser.registration, email: user?.account.email,
            csrf: user?.formToken, isAdmin: user?.account.admin)
        return .html(status, browser.pages.render(model.template, PageContext(viewer: viewer, model: model)))
    }

    /// A page with a pre-session form (sign-in, registration, confirmation, reset).
    func preSessionPage(_ model: some PageModel, _ request: HTTPRequest, status: Int = 200) -> HTTPResponse {
        let pre = preSession(request)
        let viewer = Viewer(
            signedIn: false, registration: browser.registration,
            formToken: FormToken.make(secret: pre.secret, purpose: FormToken.signInPurpose))
        var response = HTTPResponse.html(status, browser.pages.render(model.template, PageContext(viewer: viewer, model: model)))
        if let header = pre.header { response.headers.append(header) }
        return response
    }

    /// The browser's pre-session id, or a new one with the header that sets it.
    func preSession(_ request: HTTPRequest) -> (secret: String, header: (String, String)?) {
        if let value = browser.cookie(.preSession, in: request), RandomSecret.isWellFormed(value) {
            return (value, nil)
        }
        let fresh = RandomSecret.generate().value
        return (fresh, browser.setCookie(.preSession, fresh, maxAge: nil))
    }

    /// True when the form carries the token of the browser's pre-session cookie.
    func hasPreSessionToken(_ request: HTTPRequest, _ form: FormData) -> Bool {
        guard let value = browser.cookie(.preSession, in: request), RandomSecret.isWellFormed(value) else { return false }
        return FormToken.isValid(form["csrf"], secret: value, purpose: FormToken.signInPurpose)
    }
}
