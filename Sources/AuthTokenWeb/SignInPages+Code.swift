import AuthTokenCore

/// The code step of sign-in.
///
/// The half-done sign-in lives in the store (digest only, five minutes, single use); the
/// browser holds its random id in the `authtoken_pending` cookie. Any code sent with it,
/// right or wrong, uses it up; a wrong code gets a new one and the code page again, with
/// the failure counted by the throttle, so a guesser is blocked after a few tries.
extension SignInPages {
    func codeForm(_ request: HTTPRequest, _ form: FormData) throws -> HTTPResponse {
        let next = form["next"].flatMap { LocalPath.isSafe($0) ? $0 : nil }
        return view.preSessionPage(CodeView(next: next, steps: try steps(browser.cookie(.pending, in: request))), request)
    }

    /// The key step and whether TOTP works, for the half-done sign-in `pending` (a key gets
    /// a fresh single-use challenge each time the page is shown).
    func steps(_ pending: String?) throws -> SessionService.SecondSteps? {
        try pending.flatMap { try sessions.secondSteps(pending: $0) }
    }

    /// POST `/signin/key`: the browser's answer from `navigator.credentials.get`, posted by
    /// `/static/passkey.js` as a form. As with a code, the half-done sign-in is used up;
    /// a refused key gets a new one and the code page again (the throttle bounds retries).
    func signInWithKey(_ request: HTTPRequest, _ form: FormData) throws -> HTTPResponse {
        let next = form["next"].flatMap { LocalPath.isSafe($0) ? $0 : nil }
        guard view.hasPreSessionToken(request, form) else {
            let page = SignInView(next: next, error: "The sign-in form had expired. Please sign in again.")
            return view.preSessionPage(page, request, status: 403)
        }
        let pending = browser.cookie(.pending, in: request) ?? ""
        guard let answer = Self.keyAnswer(form) else {
            // Nothing to verify: the half-done sign-in stays, the page says what was wrong.
            logger.notice("second factor refused", metadata: ["reason": "malformed key answer"])
            let page = CodeView(
                next: next, error: "The security key's answer was incomplete or malformed. Try again, or enter a code.",
                steps: try steps(pending))
            return view.preSessionPage(page, request, status: 400)
        }
        let result = try sessions.completeSignIn(pending: pending, key: answer, client: request.client)
        return try secondStepAnswer(request, form, result, next: next, method: "key",
                                    retry: "Your security key was not accepted. Try again, or enter a code.")
    }

    /// The answer's fields (base64url, as `passkey.js` writes them); nil when one is missing
    /// or not base64url.
    static func keyAnswer(_ form: FormData) -> PasskeyService.SignInAnswer? {
        guard let id = form["credentialID"].flatMap(PasskeyService.decode), !id.isEmpty,
              let clientData = form["clientDataJSON"].flatMap(PasskeyService.decode), !clientData.isEmpty,
              let authenticatorData = form["authenticatorData"].flatMap(PasskeyService.decode), !authenticatorData.isEmpty,
              let signature = form["signature"].flatMap(PasskeyService.decode), !signature.isEmpty
        else { return nil }
        let handle = form["userHandle"].flatMap { $0.isEmpty ? nil : $0 }
        var userHandle: [UInt8]?
        if let handle {
            guard let decoded = PasskeyService.decode(handle) else { return nil }
            userHandle = decoded
        }
        return PasskeyService.SignInAnswer(
            credentialID: id, clientDataJSON: clientData, authenticatorData: authenticatorData, signature: signature,
            userHandle: userHandle)
    }

    func signInWithCode(_ request: HTTPRequest, _ form: FormData) throws -> HTTPResponse {
        let next = form["next"].flatMap { LocalPath.isSafe($0) ? $0 : nil }
        guard view.hasPreSessionToken(request, form) else {
            let page = SignInView(next: next, error: "The sign-in form had expired. Please sign in again.")
            return view.preSessionPage(page, request, status: 403)
        }
        let pending = browser.cookie(.pending, in: request) ?? ""
        let result = try sessions.completeSignIn(
            pending: pending, code: form["code"] ?? "", client: request.client,
            deviceCookie: browser.cookie(.device, in: request))
        return try secondStepAnswer(request, form, result, next: next, method: "code",
                                    retry: "That code was wrong or already used. Enter the code your app shows now.")
    }

    /// One answer for both second steps: signed in, the code page again with a new half-done
    /// sign-in (`retry` says why), or the sign-in page.
    func secondStepAnswer(
        _ request: HTTPRequest, _ form: FormData, _ result: Result<(RandomSecret, WebSession), SecondFactorRefusal>,
        next: String?, method: String, retry: String
    ) throws -> HTTPResponse {
        switch result {
        case .failure(.wrongCodeTryAgain(let again)):
            logger.notice("second factor refused", metadata: ["reason": "wrong \(method)"])
            let page = CodeView(next: next, error: retry, steps: try steps(again.value))
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
            logger.info("signed in with two factors", metadata: ["account.id": "\(session.account.id)", "method": "\(method)"])
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
