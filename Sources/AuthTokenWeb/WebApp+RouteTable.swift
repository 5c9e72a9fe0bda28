/// Every path the main listener answers, in one table: its methods, who may call it and
/// what runs. `WebApp.route` dispatches from it, 405 answers and their `Allow` come from
/// it, and `RouteTableTests` checks that nginx's page locations list exactly its pages.
/// Every page that changes something takes POST only; GET never changes anything.
extension WebApp {
    public static let routes: [Route] = [
        // API mode (legacy answers; a request without credentials is browser mode).
        Route("/apiauthtoken/create", .public, metric: "create", [("GET", createOrBrowserMode), ("POST", createOrBrowserMode)]),
        Route("/apiauthtoken/nb/create", .public, metric: "create", [("GET", createOrBrowserMode), ("POST", createOrBrowserMode)]),
        Route("/apiauthtoken/delete", .public, metric: "delete", [("GET", delete), ("POST", delete)]),
        // Token lifecycle beyond the legacy protocol: rotation (legacy answer) and self-inspection (JSON).
        Route("/apiauthtoken/rotate", .public, metric: "rotate", [("POST", .api { app, request, form in app.rotateToken(request, form) })]),
        Route("/apiauthtoken/self", .public, metric: "self", [("GET", .api { app, request, form in app.inspectToken(request, form) })]),
        Route(WebApp.checkPath, .internal, metric: "check", [("*", .raw { app, request in app.checkToken(request) })]),
        // The pages.
        Route("/", .public, [("GET", page { app, r, _, b in app.home(r, b) })]),
        Route("/signin", .public, [("GET", page { $0.signInForm($1, $2, $3) }), ("POST", page { $0.signIn($1, $2, $3) })]),
        Route("/signin/code", .public, [("GET", page { $0.codeForm($1, $2, $3) }),
                                        ("POST", page { $0.signInWithCode($1, $2, $3) })]),
        Route("/signout", .signedIn, [("POST", signedIn { try $0.signOut($1, $2, $3, $4) })]),
        Route("/register", .public, [("GET", page { app, r, _, b in app.registerForm(r, b) }),
                                     ("POST", page { $0.register($1, $2, $3) })],
              isAvailable: { $0.registration }),
        Route("/confirm", .public, [("GET", page { $0.confirmForm($1, $2, $3) }), ("POST", page { $0.confirm($1, $2, $3) })]),
        Route("/forgot", .public, [("GET", page { app, r, _, b in app.forgotForm(r, b) }),
                                   ("POST", page { $0.forgot($1, $2, $3) })]),
        Route("/reset", .public, [("GET", page { $0.resetForm($1, $2, $3) }), ("POST", page { $0.reset($1, $2, $3) })]),
        Route("/tokens", .signedIn, [("GET", signedIn { try $0.tokensPage($1, $2, $3, $4) }),
                                     ("POST", signedIn { try $0.createFromTokensPage($1, $2, $3, $4) })]),
        Route("/tokens/remove", .signedIn, [("GET", signedIn { try $0.confirmTokenAction($1, $2, $3, $4) }),
                                            ("POST", signedIn { try $0.removeToken($1, $2, $3, $4) })]),
        Route("/tokens/regenerate", .signedIn, [("GET", signedIn { try $0.confirmTokenAction($1, $2, $3, $4) }),
                                                ("POST", signedIn { try $0.regenerateToken($1, $2, $3, $4) })]),
        Route("/developer", .signedIn, [("GET", signedIn { try $0.developerSpace($1, $2, $3, $4) })]),
        Route("/twofactor", .signedIn, [("GET", signedIn { try $0.twoFactorPage($1, $2, $3, $4) })]),
        Route("/twofactor/setup", .signedIn, [("POST", signedIn { try $0.startTwoFactor($1, $2, $3, $4) })]),
        Route("/twofactor/confirm", .signedIn, [("POST", signedIn { try $0.confirmTwoFactor($1, $2, $3, $4) })]),
        Route("/twofactor/disable", .signedIn, [("POST", signedIn { try $0.disableTwoFactor($1, $2, $3, $4) })]),
        Route("/app-passwords", .signedIn, [("GET", signedIn { try $0.appPasswordsPage($1, $2, $3, $4) }),
                                            ("POST", signedIn { try $0.createAppPassword($1, $2, $3, $4) })]),
        Route("/app-passwords/revoke", .signedIn, [("POST", signedIn { try $0.revokeAppPassword($1, $2, $3, $4) })]),
        Route("/activity", .signedIn, [("GET", signedIn { try $0.activityPage($1, $2, $3, $4) })]),
        Route("/password", .signedIn, [("GET", signedIn { try $0.passwordPage($1, $2, $3, $4) }),
                                       ("POST", signedIn { try $0.changePassword($1, $2, $3, $4) })]),
        Route("/sessions", .signedIn, [("GET", signedIn { try $0.sessionsPage($1, $2, $3, $4) })]),
        Route("/sessions/end", .signedIn, [("POST", signedIn { try $0.endSession($1, $2, $3, $4) })]),
        Route("/sessions/end-others", .signedIn, [("POST", signedIn { try $0.endOtherSessions($1, $2, $3, $4) })]),
    ] + adminRoutes

    /// The table by path.
    static let routesByPath: [String: Route] = Dictionary(uniqueKeysWithValues: routes.map { ($0.path, $0) })

    private static let createOrBrowserMode = Route.Handler.api { app, request, form in
        app.isBrowserMode(form) ? app.browserMode(request, form) : app.createToken(request, form)
    }
    private static let delete = Route.Handler.api { app, request, form in app.deleteToken(request, form) }

    private static func page(
        _ run: @escaping @Sendable (WebApp, HTTPRequest, FormData, BrowserSettings) -> HTTPResponse
    ) -> Route.Handler {
        .page(run)
    }

    private static func signedIn(
        _ run: @escaping @Sendable (WebApp, HTTPRequest, FormData, BrowserSettings, SignedIn) throws -> HTTPResponse
    ) -> Route.Handler {
        .signedIn(run)
    }

    /// The one dispatcher: 404 for a path not in the table (or a page on a server without
    /// pages), 404 for an admin path to anyone but an administrator, 405 with `Allow` for
    /// a method the route does not take, 400 for malformed parameters, else the handler.
    func dispatch(_ route: Route?, _ request: HTTPRequest) -> HTTPResponse {
        guard let route else { return .plain(404, "Not found.") }
        if route.isPage || route.access == .admin {
            guard let browser, route.isAvailable(browser) else { return .plain(404, "Not found.") }
        }
        if route.access == .admin, let browser { return adminRoute(route, request, browser) }
        guard let handler = route.handler(for: request.method) else { return route.methodNotAllowed }
        switch handler {
        case .raw(let run): return run(self, request)
        case .api(let run): return withParameters(request) { run(self, request, $0) }
        case .page(let run):
            guard let browser else { return .plain(404, "Not found.") }
            return withParameters(request) { run(self, request, $0, browser) }
        case .signedIn(let run):
            guard let browser else { return .plain(404, "Not found.") }
            return withParameters(request) { form in
                withSession(request, form, browser) { user in try run(self, request, form, browser, user) }
            }
        case .admin: return .plain(404, "Not found.")
        }
    }
}
