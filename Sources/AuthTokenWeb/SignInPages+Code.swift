import AuthTokenCore

/// The code step of sign-in.
///
/// The half-done sign-in lives in the store (digest only, five minutes, single use); the
/// browser holds its random id in the `authtoken_pending` cookie. Any code sent with it,
/// right or wrong, uses it up; a wrong code gets a new one and the code page again, with
/// the failure counted by the throttle, so a guesser is blocked after a few tries.
extension SignInPages {
    func codeForm(_ request: HTTPRequest, _ form: FormData) throws -> HTTPResponse {
        return view.preSessionPage(CodeView(next: form["next"].flatMap { LocalPath.isSafe($0) ? $0 : nil }), request)
    }

    func signInWithCode(_ request: HTTPRequest, _ form: FormData) throws -> HTTPResponse {
        let next = form["next"].flatMap { LocalPath.isSafe($0) ? $0 : nil }
        guard view.hasPreSessionToken(request, form) else {
            let page = SignInView(next: next, error: "The sign-in form had expired. Please sign in again.")
            return view.preSessionPage(page, request, status: 403)
        }
        let pending = browser.cookie(.pending, in: request) ?? ""
        switch try sessions.completeSignIn(pending: pending, code: form["code"] ?? "", client: request.client,
                                           deviceCookie: browser.cookie(.device, in: request)) {
        case .failure(.wrongCodeTryAgain(let again)):
            logger.notice("second factor refused", metadata: ["reason": "wrong code"])
            let page = CodeView(next: next, error: "That code was wrong or already used. Enter the code your app shows now.")
            var response = view.preSessionPage(page, request)  // 200, like a wrong password
            response.headers.append(browser.setCookie(.pending, again.value, maxAge: 300))
            return response
        case .failure(let refusal):
            logger.notice("second factor refused", metadata: ["reason": "\(refusal)"])
            let message: String = switch refusal {
            case .wrongCode, .wrongCodeTryAgain: "That code was wrong or already used. Please sign in again."
            case .expired: "The sign-in took too long. Please sign in again."
            case .blocked: RefusalText.blocked
            }
            var response = view.preSessionPage(SignInView(next: next, error: message), request,
                                               status: refusal == .blocked ? 429 : 200)
            response.headers.append(browser.setCookie(.pending, "", maxAge: 0))
            return response
        case .success(let (secret, session)):
            logger.info("signed in with two factors", metadata: ["account.id": "\(session.account.id)"])
            return try signedIn(request, form, secret, session, clearPending: true)
        }
    }

    /// The password was right and a code is due: remember the half-done sign-in, ask for it.
    func askForCode(_ pending: RandomSecret, next: String?) -> HTTPResponse {
        let target = next.flatMap { LocalPath.isSafe($0) ? "/signin/code?next=" + FormData.encode($0) : nil }
        var response = HTTPResponse.redirect(target ?? "/signin/code")
        response.headers.append(browser.setCookie(.pending, pending.value, maxAge: 300))
        return response
    }
}
