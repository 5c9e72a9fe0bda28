import AuthTokenCore
import Foundation

/// Browser mode: `/apiauthtoken/create?SCOPE=…[&DISPLAY_NAME=…]` without credentials, for a
/// person whose signed-in session stands in for the legacy account session. GET shows what
/// would be created; the POST from that page creates it.
extension WebApp {
    /// No `EMAIL_ID` and no `PASSWORD` at all; either one present means API mode, whose
    /// answers stay exactly as they were.
    func isBrowserMode(_ form: FormData) -> Bool {
        browser != nil && form["EMAIL_ID"] == nil && form["PASSWORD"] == nil
    }

    func browserMode(_ request: HTTPRequest, _ form: FormData) -> HTTPResponse {
        guard let browser else { return createToken(request, form) }
        var back = request.path + "?SCOPE=" + Self.formEncode(form["SCOPE"] ?? "")
        if let name = form["DISPLAY_NAME"] { back += "&DISPLAY_NAME=" + Self.formEncode(name) }
        if let days = form["EXPIRES_IN_DAYS"] { back += "&EXPIRES_IN_DAYS=" + Self.formEncode(days) }
        // A GET comes back to exactly what was asked for; a POST to the GET that shows it.
        return withSession(request, form, browser, next: request.method == "POST" ? back : nil) { user in
            let scopes: [String]
            do {
                scopes = try auth.settings.scopes.resolve(form["SCOPE"])
            } catch {
                return page("message", browser, user: user, status: 400, [
                    "title": "Unknown scope",
                    "text": "This link asks for the scope “\(form["SCOPE"] ?? "")”, which this server does not "
                        + "issue tokens for. It issues: \(auth.settings.scopes.scopes.joined(separator: ", ")).",
                ])
            }
            guard let name = TokenService.applicationName(form["DISPLAY_NAME"], scopes: scopes) else {
                return page("message", browser, user: user, status: 400, [
                    "title": "Unusable application name",
                    "text": "The application name must have at most 100 characters and no control characters.",
                ])
            }
            // The link's EXPIRES_IN_DAYS preselects the choice; the page's choice decides.
            let linked = form["EXPIRES_IN_DAYS"]
            if let linked, TokenExpiry.days(linked) == nil { return badExpiryPage(user, browser) }
            if request.method == "GET" {
                let held = try auth.tokens.list(accountID: user.account.id).count
                if held >= auth.settings.maxTokensPerAccount { return capPage(user, browser) }
                var values: [String: Any] = [
                    "title": "Create an auth token", "action": request.path, "scopes": scopes.joined(separator: ", "),
                    "name": name, "scopeValue": form["SCOPE"] ?? "", "nameValue": form["DISPLAY_NAME"] ?? "",
                ]
                values.merge(expiryOptions(selected: linked ?? "never")) { $1 }
                return page("browser-confirm", browser, user: user, values)
            }
            var choice = form
            if choice["expiry"] == nil, let linked { choice = choice.merging(FormData(pairs: [("expiry", linked)])) }
            guard let expiry = Self.expiryChoice(choice) else { return badExpiryPage(user, browser) }
            return try issue(user, scopes: scopes, name: name, expiry: expiry, browser)
        }
    }

    /// Issues a token and shows it once, with the API-mode answer beside it.
    func issue(
        _ user: SignedIn, scopes: [String], name: String, expiry: TokenExpiry = .never, _ browser: BrowserSettings
    ) throws -> HTTPResponse {
        switch try auth.tokens.issueToken(accountID: user.account.id, scopes: scopes, displayName: name, expiry: expiry) {
        case .success(let issued):
            try auth.tokens.tokenCreated(issued, account: user.account, client: user.client, via: "browser")
            logger.info("token created in the browser", metadata: [
                "token.id": "\(issued.record.id)", "token.hint": "\(issued.record.hint)",
            ])
            return shownOnce(issued, user, browser, regenerated: false)
        case .failure(.invalidExpiry):
            return badExpiryPage(user, browser)
        case .failure:
            try auth.activity.record(.tokenRefused, accountID: user.account.id, client: user.client, detail: "browser")
            return capPage(user, browser)
        }
    }

    /// The page that shows a token's value, the only time it is ever shown.
    func shownOnce(_ issued: IssuedToken, _ user: SignedIn, _ browser: BrowserSettings, regenerated: Bool) -> HTTPResponse {
        var values: [String: Any] = [
            "title": regenerated ? "Token regenerated" : "Token created", "regenerated": regenerated,
            "token": issued.secret.value, "name": issued.record.displayName,
            "scopes": issued.record.scopes.joined(separator: ", "), "hint": issued.record.hint,
            "answer": LegacyAnswer.token(issued.secret.value).body(date: JavaDate.localString(from: now())),
        ]
        if let expires = issued.record.expiresAt {
            values["expires"] = PageDate.string(from: expires)
            values["expiresISO"] = PageDate.iso(expires)
        }
        return page("token-created", browser, user: user, values)
    }

    func capPage(_ user: SignedIn, _ browser: BrowserSettings) -> HTTPResponse {
        page("message", browser, user: user, status: 409, [
            "title": "Too many tokens",
            "text": "You already hold \(auth.settings.maxTokensPerAccount) tokens, the most one account may have. "
                + "Remove one you no longer use on the Active Authtokens page, then try again.",
        ])
    }
}
