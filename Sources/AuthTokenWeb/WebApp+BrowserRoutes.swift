/// The browser pages' routes: path and method to handler. Every page that changes
/// something takes POST only; GET never changes anything.
extension WebApp {
    func browserPage(_ request: HTTPRequest) -> HTTPResponse {
        guard let browser else { return .plain(404, "Not found.") }
        return withParameters(request) { form in
            switch (request.path, request.method) {
            case ("/", "GET"): home(request, browser)
            case ("/signin", "GET"): signInForm(request, form, browser)
            case ("/signin", "POST"): signIn(request, form, browser)
            case ("/signout", "POST"): signOut(request, form, browser)
            case ("/register", _) where !browser.registration: .plain(404, "Not found.")
            case ("/register", "GET"): registerForm(request, browser)
            case ("/register", "POST"): register(request, form, browser)
            case ("/confirm", "GET"): confirmForm(request, form, browser)
            case ("/confirm", "POST"): confirm(request, form, browser)
            case ("/tokens", "GET"): tokensPage(request, form, browser)
            case ("/tokens", "POST"): createFromTokensPage(request, form, browser)
            case ("/tokens/remove", "GET"), ("/tokens/regenerate", "GET"): confirmTokenAction(request, form, browser)
            case ("/tokens/remove", "POST"): removeToken(request, form, browser)
            case ("/tokens/regenerate", "POST"): regenerateToken(request, form, browser)
            case ("/developer", "GET"): developerSpace(request, browser)
            case ("/signin/code", "GET"): codeForm(request, form, browser)
            case ("/signin/code", "POST"): signInWithCode(request, form, browser)
            case ("/twofactor", "GET"): twoFactorPage(request, form, browser)
            case ("/twofactor/setup", "POST"): startTwoFactor(request, form, browser)
            case ("/twofactor/confirm", "POST"): confirmTwoFactor(request, form, browser)
            case ("/twofactor/disable", "POST"): disableTwoFactor(request, form, browser)
            case ("/app-passwords", "GET"): appPasswordsPage(request, form, browser)
            case ("/app-passwords", "POST"): createAppPassword(request, form, browser)
            case ("/app-passwords/revoke", "POST"): revokeAppPassword(request, form, browser)
            case ("/activity", "GET"): activityPage(request, form, browser)
            case ("/password", "GET"): passwordPage(request, form, browser)
            case ("/password", "POST"): changePassword(request, form, browser)
            case ("/forgot", "GET"): forgotForm(request, browser)
            case ("/forgot", "POST"): forgot(request, form, browser)
            case ("/reset", "GET"): resetForm(request, form, browser)
            case ("/reset", "POST"): reset(request, form, browser)
            case ("/sessions", "GET"): sessionsPage(request, form, browser)
            case ("/sessions/end", "POST"): endSession(request, form, browser)
            case ("/sessions/end-others", "POST"): endOtherSessions(request, form, browser)
            case ("/twofactor/setup", _), ("/twofactor/confirm", _), ("/twofactor/disable", _),
                 ("/app-passwords/revoke", _), ("/sessions/end", _), ("/sessions/end-others", _):
                HTTPResponse.plain(405, "Use POST.").adding("Allow", "POST")
            case ("/twofactor", _):
                HTTPResponse.plain(405, "Use GET.").adding("Allow", "GET")
            case ("/signout", _):
                HTTPResponse.plain(405, "Use POST.").adding("Allow", "POST")
            case ("/", _), ("/developer", _), ("/activity", _), ("/sessions", _):
                HTTPResponse.plain(405, "Use GET.").adding("Allow", "GET")
            default:
                HTTPResponse.plain(405, "Use GET or POST.").adding("Allow", "GET, POST")
            }
        }
    }

    /// `/`: the token list for a signed-in person, the sign-in form for anyone else.
    func home(_ request: HTTPRequest, _ browser: BrowserSettings) -> HTTPResponse {
        do {
            return .redirect(try signedIn(request, browser) != nil ? "/tokens" : "/signin")
        } catch {
            return failure(error, browser)
        }
    }
}
