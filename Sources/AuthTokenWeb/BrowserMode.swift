import AuthTokenCore
import Foundation

/// Browser mode: `/apiauthtoken/create?SCOPE=…[&DISPLAY_NAME=…]` without credentials, for a
/// person whose signed-in session stands in for the legacy account session (the dispatcher
/// hands it over from API mode, behind the session gate). GET shows what would be created;
/// the POST from that page creates it.
struct BrowserMode {
    let tokens: TokenPages

    init(_ kit: PageKit) {
        tokens = TokenPages(kit)
    }

    func page(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        let settings = tokens.settings
        guard let scopes = try? settings.scopes.resolve(form["SCOPE"]) else {
            throw PageRefusal.unknownLinkScope(asked: form["SCOPE"] ?? "", issued: settings.scopes.scopes)
        }
        guard let name = TokenService.applicationName(form["DISPLAY_NAME"], scopes: scopes) else {
            throw PageRefusal.unusableName
        }
        // The link's EXPIRES_IN_DAYS preselects the choice; the page's choice decides.
        let linked = form["EXPIRES_IN_DAYS"]
        if let linked, TokenExpiry.days(linked) == nil { throw PageRefusal.unusableExpiry }
        if request.method == "GET" {
            let held = try tokens.tokens.list(accountID: user.account.id).count
            if held >= settings.maxTokensPerAccount { throw PageRefusal.tooManyTokens(max: settings.maxTokensPerAccount) }
            var values: [String: Any] = [
                "title": "Create an auth token", "action": request.path, "scopes": scopes.joined(separator: ", "),
                "name": name, "scopeValue": form["SCOPE"] ?? "", "nameValue": form["DISPLAY_NAME"] ?? "",
            ]
            values.merge(tokens.expiryOptions(selected: linked ?? "never")) { $1 }
            return tokens.view.page("browser-confirm", user: user, values)
        }
        var choice = form
        if choice["expiry"] == nil, let linked { choice = choice.merging(FormData(pairs: [("expiry", linked)])) }
        guard let expiry = TokenPages.expiryChoice(choice) else { throw PageRefusal.unusableExpiry }
        return try tokens.issue(user, scopes: scopes, name: name, expiry: expiry)
    }
}
