import AuthTokenCore
import AuthTokenStore
import Foundation

/// The Active Authtokens page: list, create, remove, regenerate. Every look-up is by token
/// id AND the signed-in account, so someone else's id is a 404 that changes nothing.
extension WebApp {
    static let doneMessages = ["removed": "The token was removed. Programs using it no longer work."]

    func tokensPage(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn) throws -> HTTPResponse {
        let tokens = try auth.tokens.list(accountID: user.account.id)
        let max = auth.settings.maxTokensPerAccount
        let appPasswords = Dictionary(
            uniqueKeysWithValues: try auth.appPasswords.list(accountID: user.account.id).map { ($0.id, $0.name) })
        let rows = tokens.map { Self.row($0, appPasswords: appPasswords).merging(expiryFacts($0)) { $1 } }
        var soon = rows.filter { $0["expiresSoon"] != nil }
        if !soon.isEmpty { soon[soon.count - 1]["last"] = true }
        var values: [String: Any] = [
            "title": "Active Authtokens", "tokens": rows, "hasTokens": !tokens.isEmpty,
            "count": tokens.count, "max": max, "full": tokens.count >= max,
            "scopeOptions": auth.settings.scopes.scopes.map { ["value": $0] },
            "expiringSoon": soon, "hasExpiringSoon": !soon.isEmpty,
        ]
        values.merge(expiryOptions()) { $1 }
        // Absent rather than empty: an empty string still opens a Mustache section here.
        if let notice = form["done"].flatMap({ Self.doneMessages[$0] }) { values["notice"] = notice }
        return page("tokens", browser, user: user, values)
    }

    /// The create form on the token page: one scope from the configured list and a name.
    func createFromTokensPage(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn) throws -> HTTPResponse {
        guard let scope = form["scope"], auth.settings.scopes.scopes.contains(scope) else {
            return page("message", browser, user: user, status: 400, [
                "title": "Unknown scope", "text": "Choose one of the listed scopes.",
            ])
        }
        guard let name = TokenService.applicationName(form["name"], scopes: [scope]) else {
            return page("message", browser, user: user, status: 400, [
                "title": "Unusable application name",
                "text": "The application name must have at most 100 characters and no control characters.",
            ])
        }
        guard let expiry = Self.expiryChoice(form) else { return badExpiryPage(user, browser) }
        return try issue(user, scopes: [scope], name: name, expiry: expiry, browser)
    }

    /// GET of remove or regenerate: a page that names the token and asks to confirm.
    func confirmTokenAction(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn) throws -> HTTPResponse {
        guard let id = form["id"].flatMap(Int64.init),
              let token = try auth.tokens.token(id: id, accountID: user.account.id)
        else { return noSuchToken(user, browser) }
        let remove = request.path == "/tokens/remove"
        let renew = auth.tokens.hasExpired(token)
        var row = Self.row(token).merging(expiryFacts(token)) { $1 }
        if let next = auth.tokens.renewedExpiry(of: token) { row["newExpiry"] = PageDate.string(from: next) }
        return page(remove ? "token-remove" : "token-regenerate", browser, user: user, [
            "title": remove ? "Remove token" : renew ? "Renew token" : "Regenerate token", "token": row,
            "renew": renew,
        ])
    }

    func removeToken(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn) throws -> HTTPResponse {
        guard let id = form["id"].flatMap(Int64.init),
              try auth.tokens.removeToken(id: id, accountID: user.account.id, client: user.client, via: "browser")
        else { return noSuchToken(user, browser) }
        logger.info("token removed in the browser", metadata: ["token.id": "\(id)"])
        return .redirect("/tokens?done=removed")
    }

    func regenerateToken(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn) throws -> HTTPResponse {
        guard let id = form["id"].flatMap(Int64.init),
              let issued = try auth.tokens.regenerateToken(id: id, accountID: user.account.id)
        else { return noSuchToken(user, browser) }
        logger.info("token regenerated in the browser", metadata: [
            "token.id": "\(id)", "token.hint": "\(issued.record.hint)",
        ])
        try auth.activity.record(.tokenRegenerated, accountID: user.account.id, client: user.client,
                     detail: ActivityService.tokenDetail(id: id, hint: issued.record.hint))
        return shownOnce(issued, user, browser, regenerated: true)
    }

    func noSuchToken(_ user: SignedIn, _ browser: BrowserSettings) -> HTTPResponse {
        page("message", browser, user: user, status: 404, [
            "title": "No such token", "text": "You have no token with this number.",
        ])
    }

    /// What a template shows of a stored token (never its digest).
    /// `appPasswords` (id to name) says which application password got the token; one
    /// revoked since is named as such, since its tokens live on.
    static func row(_ token: TokenRecord, appPasswords: [Int64: String] = [:]) -> [String: Any] {
        var row: [String: Any] = [
            "id": String(token.id), "name": token.displayName, "scopes": token.scopes.joined(separator: ", "),
            "created": PageDate.string(from: token.createdAt), "createdISO": PageDate.iso(token.createdAt),
            "hint": token.hint, "hasExpiry": token.expiresAt != nil,
        ]
        if let used = token.lastUsedAt {
            row["lastUsed"] = PageDate.string(from: used)
            row["lastUsedISO"] = PageDate.iso(used)
            row["lastUsedFrom"] = token.lastUsedFrom ?? ""
        }
        if let id = token.appPasswordID {
            row["appPassword"] = appPasswords[id].map { "application password “\($0)”" }
                ?? "an application password revoked since"
        }
        return row
    }
}
