import AuthTokenCore

/// The administrators' pages (`/admin/…`): their routes and the gate in front of them.
/// Anyone who is not an administrator (signed out included) gets the same 404 as an unknown
/// path, for every method; an administrator without two-factor sign-in gets a page saying
/// to turn it on; a POST without this session's form token gets 403. Only then a handler runs.
extension WebApp {
    static let adminRoutes: [Route] = [
        Route("/admin", .admin, [("GET", admin { _, _, _, _, _ in .redirect("/admin/accounts") })]),
        Route("/admin/accounts", .admin, [("GET", admin { try $0.adminAccounts($1, $2, $3, $4) })]),
        Route("/admin/account", .admin, [("GET", admin { try $0.adminAccount($1, $2, $3, $4) })]),
        Route("/admin/account/action", .admin, [("GET", admin { try $0.confirmAdminAction($1, $2, $3, $4) }),
                                                 ("POST", admin { try $0.adminAction($1, $2, $3, $4) })]),
        Route("/admin/tokens", .admin, [("GET", admin { try $0.inventory($1, $2, $3, $4) })]),
        Route("/admin/tokens/csv", .admin, [("GET", admin { try $0.inventoryCSV($1, $2, $3, $4) })]),
        Route("/admin/tokens/revoke", .admin, [("GET", admin { try $0.confirmRevokeToken($1, $2, $3, $4) }),
                                               ("POST", admin { try $0.revokeToken($1, $2, $3, $4) })]),
        Route("/admin/tokens/revoke-all", .admin, [("GET", admin { try $0.confirmRevokeTokens($1, $2, $3, $4) }),
                                                   ("POST", admin { try $0.revokeTokens($1, $2, $3, $4) })]),
        Route("/admin/app-passwords", .admin, [("GET", admin { try $0.appPasswordInventory($1, $2, $3, $4) })]),
        Route("/admin/app-passwords/csv", .admin, [("GET", admin { try $0.appPasswordCSV($1, $2, $3, $4) })]),
        Route("/admin/app-passwords/revoke", .admin, [
            ("GET", admin { try $0.confirmRevokeAppPassword($1, $2, $3, $4) }),
            ("POST", admin { try $0.revokeAppPasswordAsAdmin($1, $2, $3, $4) }),
        ]),
        Route("/admin/app-passwords/revoke-all", .admin, [
            ("GET", admin { try $0.confirmRevokeAppPasswords($1, $2, $3, $4) }),
            ("POST", admin { try $0.revokeAppPasswordsAsAdmin($1, $2, $3, $4) }),
        ]),
        Route("/admin/activity", .admin, [("GET", admin { try $0.adminActivity($1, $2, $3, $4) })]),
    ]

    private static func admin(
        _ run: @escaping @Sendable (WebApp, HTTPRequest, FormData, BrowserSettings, SignedIn) throws -> HTTPResponse
    ) -> Route.Handler {
        .admin(run)
    }

    func adminRoute(_ route: Route, _ request: HTTPRequest, _ browser: BrowserSettings) -> HTTPResponse {
        let user: SignedIn
        do {
            guard let found = try signedIn(request, browser), found.account.admin else { return .plain(404, "Not found.") }
            user = found
        } catch {
            return failure(error, browser)
        }
        guard case .admin(let run)? = route.handler(for: request.method) else { return route.methodNotAllowed }
        return withParameters(request) { form in
            do {
                switch try auth.admin.adminGate(user.session) {
                case .open: break
                case .twoFactorOff:
                    return page("message", browser, user: user, status: 403, [
                        "title": "Turn on two-factor sign-in first",
                        "text": "The administrators' pages need two-factor sign-in on your own account. "
                            + "Turn it on under Two-factor, then sign out and sign in again with a code.",
                        "link": "/twofactor", "linkText": "Set up two-factor sign-in",
                    ])
                case .signInWithCode:
                    return page("message", browser, user: user, status: 403, [
                        "title": "Sign in again with your code",
                        "text": "This session began without a two-factor code (two-factor sign-in was turned on "
                            + "after it started). The administrators' pages need a session that took one: "
                            + "sign out, then sign in again with your code.",
                    ])
                }
                if request.method == "POST"
                    && !FormToken.isValid(form["csrf"], secret: user.secret, purpose: FormToken.sessionPurpose)
                {
                    logger.notice("admin form refused: missing or wrong form token", metadata: ["path": "\(request.path)"])
                    return page("message", browser, user: user, status: 403, [
                        "title": "Form expired",
                        "text": "This form was not sent from a current page of this site, so nothing was changed. "
                            + "Go back, reload the page and try again.",
                    ])
                }
                return try run(self, request, form, browser, user)
            } catch {
                return failure(error, browser)
            }
        }
    }
}
