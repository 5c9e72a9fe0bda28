/// Every path the main listener answers, in one table: its methods, who may call it and
/// which controller method runs. `WebApp.dispatch` dispatches from it, 405 answers and their
/// `Allow` come from it, and `RouteTableTests` checks that nginx's page locations list
/// exactly its pages. Every page that changes something takes POST only; GET never changes
/// anything.
extension WebApp {
    public static let routes: [Route] = [
        // API mode (legacy answers; a request without credentials is browser mode).
        Route("/apiauthtoken/create", .public, metric: "create", [("GET", create), ("POST", create)]),
        Route("/apiauthtoken/nb/create", .public, metric: "create", [("GET", create), ("POST", create)]),
        Route("/apiauthtoken/delete", .public, metric: "delete", [("GET", delete), ("POST", delete)]),
        // Token lifecycle beyond the legacy protocol: rotation (legacy answer) and self-inspection (JSON).
        Route("/apiauthtoken/rotate", .public, metric: "rotate", [("POST", .legacy { try $0.rotate($1, $2) })]),
        Route("/apiauthtoken/self", .public, metric: "self", [("GET", .json { try $0.inspect($1, $2) })]),
        Route(WebApp.checkPath, .internal, metric: "check", [("*", .raw { app, request in app.checkToken(request) })]),
        // The pages.
        Route("/", .public, [("GET", .page { try SignInPages($0).home($1, $2) })]),
        Route("/signin", .public, [("GET", .page { try SignInPages($0).form($1, $2) }),
                                   ("POST", .page { try SignInPages($0).signIn($1, $2) })]),
        Route("/signin/code", .public, [("GET", .page { try SignInPages($0).codeForm($1, $2) }),
                                        ("POST", .page { try SignInPages($0).signInWithCode($1, $2) })]),
        Route("/signin/key", .public, [("POST", .page { try SignInPages($0).signInWithKey($1, $2) })]),
        Route("/signout", .signedIn, [("POST", .signedIn { try SignInPages($0).signOut($1, $2, $3) })]),
        Route("/register", .public, [("GET", .page { try RegistrationPages($0).form($1, $2) }),
                                     ("POST", .page { try RegistrationPages($0).register($1, $2) })],
              isAvailable: { $0.registration }),
        Route("/confirm", .public, [("GET", .page { try RegistrationPages($0).confirmForm($1, $2) }),
                                    ("POST", .page { try RegistrationPages($0).confirm($1, $2) })]),
        Route("/forgot", .public, [("GET", .page { try PasswordPages($0).forgotForm($1, $2) }),
                                   ("POST", .page { try PasswordPages($0).forgot($1, $2) })]),
        Route("/reset", .public, [("GET", .page { try PasswordPages($0).resetForm($1, $2) }),
                                  ("POST", .page { try PasswordPages($0).reset($1, $2) })]),
        Route("/tokens", .signedIn, [("GET", .signedIn { try TokenPages($0).list($1, $2, $3) }),
                                     ("POST", .signedIn { try TokenPages($0).create($1, $2, $3) })]),
        Route("/tokens/remove", .signedIn, [("GET", .signedIn { try TokenPages($0).confirmAction($1, $2, $3) }),
                                            ("POST", .signedIn { try TokenPages($0).remove($1, $2, $3) })]),
        Route("/tokens/usage", .signedIn, [("GET", .signedIn { try TokenPages($0).usage($1, $2, $3) })]),
        Route("/tokens/regenerate", .signedIn, [("GET", .signedIn { try TokenPages($0).confirmAction($1, $2, $3) }),
                                                ("POST", .signedIn { try TokenPages($0).regenerate($1, $2, $3) })]),
        Route("/developer", .signedIn, [("GET", .signedIn { try DeveloperSpace($0).page($1, $2, $3) })]),
        Route("/twofactor", .signedIn, [("GET", .signedIn { try TwoFactorPages($0).page($1, $2, $3) })]),
        Route("/twofactor/setup", .signedIn, [("POST", .signedIn { try TwoFactorPages($0).start($1, $2, $3) })]),
        Route("/twofactor/confirm", .signedIn, [("POST", .signedIn { try TwoFactorPages($0).confirm($1, $2, $3) })]),
        Route("/twofactor/disable", .signedIn, [("POST", .signedIn { try TwoFactorPages($0).disable($1, $2, $3) })]),
        Route("/twofactor/key/start", .signedIn, [("POST", .signedIn { try TwoFactorPages($0).startKey($1, $2, $3) })]),
        Route("/twofactor/key/finish", .signedIn, [("POST", .signedIn { try TwoFactorPages($0).finishKey($1, $2, $3) })]),
        Route("/twofactor/key/rename", .signedIn, [("POST", .signedIn { try TwoFactorPages($0).renameKey($1, $2, $3) })]),
        Route("/twofactor/key/remove", .signedIn, [("POST", .signedIn { try TwoFactorPages($0).removeKey($1, $2, $3) })]),
        Route("/app-passwords", .signedIn, [("GET", .signedIn { try AppPasswordPages($0).list($1, $2, $3) }),
                                            ("POST", .signedIn { try AppPasswordPages($0).create($1, $2, $3) })]),
        Route("/app-passwords/revoke", .signedIn, [("POST", .signedIn { try AppPasswordPages($0).revoke($1, $2, $3) })]),
        Route("/activity", .signedIn, [("GET", .signedIn { try ActivityPage($0).page($1, $2, $3) })]),
        Route("/password", .signedIn, [("GET", .signedIn { try PasswordPages($0).page($1, $2, $3) }),
                                       ("POST", .signedIn { try PasswordPages($0).change($1, $2, $3) })]),
        Route("/sessions", .signedIn, [("GET", .signedIn { try SessionPages($0).list($1, $2, $3) })]),
        Route("/sessions/end", .signedIn, [("POST", .signedIn { try SessionPages($0).end($1, $2, $3) })]),
        Route("/sessions/end-others", .signedIn, [("POST", .signedIn { try SessionPages($0).endOthers($1, $2, $3) })]),
    ] + adminRoutes

    /// The table by path.
    static let routesByPath: [String: Route] = Dictionary(uniqueKeysWithValues: routes.map { ($0.path, $0) })

    private static let create = Route.Handler.legacyOrBrowserMode { try $0.create($1, $2) }
    private static let delete = Route.Handler.legacy { try $0.delete($1, $2) }
}
