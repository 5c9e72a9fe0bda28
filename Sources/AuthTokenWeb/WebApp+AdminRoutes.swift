import AuthTokenCore

/// The administrators' pages (`/admin/…`): their routes and the gate in front of them.
/// Anyone who is not an administrator (signed out included) gets the same 404 as an unknown
/// path, for every method; an administrator without two-factor sign-in gets a page saying
/// to turn it on; a POST without this session's form token gets 403. Only then a handler runs.
extension WebApp {
    static let adminRoutes: [Route] = [
        Route("/admin", .admin, [("GET", .admin { _, _, _, _ in .redirect("/admin/accounts") })]),
        Route("/admin/overview", .admin, [("GET", .admin { try AdminOverviewPage($0).page($1, $2, $3) })]),
        Route("/admin/overview/csv", .admin, [("GET", .admin { try AdminOverviewPage($0).csv($1, $2, $3) })]),
        Route("/admin/accounts", .admin, [("GET", .admin { try AdminAccountPages($0).list($1, $2, $3) })]),
        Route("/admin/account", .admin, [("GET", .admin { try AdminAccountPages($0).account($1, $2, $3) })]),
        Route("/admin/account/action", .admin, [("GET", .admin { try AdminAccountPages($0).confirmAction($1, $2, $3) }),
                                                 ("POST", .admin { try AdminAccountPages($0).perform($1, $2, $3) })]),
        Route("/admin/tokens", .admin, [("GET", .admin { try AdminTokenPages($0).inventory($1, $2, $3) })]),
        Route("/admin/tokens/csv", .admin, [("GET", .admin { try AdminTokenPages($0).csv($1, $2, $3) })]),
        Route("/admin/tokens/revoke", .admin, [("GET", .admin { try AdminTokenPages($0).confirmRevoke($1, $2, $3) }),
                                               ("POST", .admin { try AdminTokenPages($0).revoke($1, $2, $3) })]),
        Route("/admin/tokens/revoke-all", .admin, [("GET", .admin { try AdminTokenPages($0).confirmRevokeAll($1, $2, $3) }),
                                                   ("POST", .admin { try AdminTokenPages($0).revokeAll($1, $2, $3) })]),
        Route("/admin/app-passwords", .admin, [("GET", .admin { try AdminAppPasswordPages($0).list($1, $2, $3) })]),
        Route("/admin/app-passwords/csv", .admin, [("GET", .admin { try AdminAppPasswordPages($0).csv($1, $2, $3) })]),
        Route("/admin/app-passwords/revoke", .admin, [
            ("GET", .admin { try AdminAppPasswordPages($0).confirmRevoke($1, $2, $3) }),
            ("POST", .admin { try AdminAppPasswordPages($0).revoke($1, $2, $3) }),
        ]),
        Route("/admin/app-passwords/revoke-all", .admin, [
            ("GET", .admin { try AdminAppPasswordPages($0).confirmRevokeAll($1, $2, $3) }),
            ("POST", .admin { try AdminAppPasswordPages($0).revokeAll($1, $2, $3) }),
        ]),
        Route("/admin/activity", .admin, [("GET", .admin { try AdminActivityPage($0).page($1, $2, $3) })]),
    ]

    func adminRoute(_ route: Route, _ request: HTTPRequest, _ browser: BrowserSettings) -> HTTPResponse {
        let user: SignedIn
        do {
            guard let found = try signedIn(request, browser), found.account.admin else { return .plain(404, "Not found.") }
            user = found
        } catch {
            return failure(error, browser, user: nil)
        }
        guard case .admin(let run)? = route.handler(for: request.method) else { return route.methodNotAllowed }
        return withParameters(request) { form in
            do {
                switch try auth.admin.adminGate(user.session) {
                case .open: break
                case .twoFactorOff: throw PageRefusal.adminNeedsTwoFactor
                case .signInWithCode: throw PageRefusal.adminNeedsCodeSession
                }
                if request.method == "POST"
                    && !FormToken.isValid(form["csrf"], secret: user.secret, purpose: FormToken.sessionPurpose)
                {
                    logger.notice("admin form refused: missing or wrong form token", metadata: ["path": "\(request.path)"])
                    throw PageRefusal.formExpired
                }
                return try run(kit(browser), request, form, user)
            } catch {
                return failure(error, browser, user: user)
            }
        }
    }
}
