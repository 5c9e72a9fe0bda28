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

    /// No `EMAIL_ID` and no `PASSWORD` at all (on a server with pages); either one present
    /// means API mode, whose answers stay exactly as they were.
    static func isAsked(_ form: FormData) -> Bool {
        form["EMAIL_ID"] == nil && form["PASSWORD"] == nil
    }

    /// Where sign-in leads back to: a signed-out GET comes back to exactly what was asked
    /// for (nil: the request itself); a POST to the GET that shows it.
    static func back(_ request: HTTPRequest, _ form: FormData) -> String? {
        guard request.method == "POST" else { return nil }
        var back = request.path + "?SCOPE=" + FormData.encode(form["SCOPE"] ?? "")
        if let name = form["DISPLAY_NAME"] { back += "&DISPLAY_NAME=" + FormData.encode(name) }
        if let days = form["EXPIRES_IN_DAYS"] { back += "&EXPIRES_IN_DAYS=" + FormData.encode(days) }
        return back
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
            let expiry = tokens.expiryOptions(selected: linked ?? "never")
            return tokens.view.page(BrowserConfirmView(
                action: request.path, scopes: scopes.joined(separator: ", "), name: name,
                scopeValue: form["SCOPE"] ?? "", nameValue: form["DISPLAY_NAME"] ?? "",
                expiryOptions: expiry.expiryOptions, minDate: expiry.minDate, maxLifetime: expiry.maxLifetime), user: user)
        }
        var choice = form
        if choice["expiry"] == nil, let linked { choice = choice.merging(FormData(pairs: [("expiry", linked)])) }
        guard let expiry = TokenPages.expiryChoice(choice) else { throw PageRefusal.unusableExpiry }
        return try tokens.issue(user, scopes: scopes, name: name, expiry: expiry)
    }
}
