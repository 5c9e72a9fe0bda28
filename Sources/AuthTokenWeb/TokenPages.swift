import AuthTokenCore
import AuthTokenStore
import Foundation
import Logging

/// The Active Authtokens page: list, create, remove, regenerate. Every look-up is by token
/// id AND the signed-in account, so someone else's id is a 404 that changes nothing.
/// Issuing and showing a token once is in `TokenPages+Issue.swift` (browser mode issues
/// through it too), the expiry choice in `TokenPages+Expiry.swift`.
struct TokenPages {
    static let doneMessages = ["removed": "The token was removed. Programs using it no longer work."]

    let tokens: TokenService
    let appPasswords: AppPasswordService
    let activity: ActivityService
    let settings: AuthSettings
    let view: PageRenderer
    let logger: Logger
    let now: @Sendable () -> Date

    init(_ kit: PageKit) {
        tokens = kit.auth.tokens
        appPasswords = kit.auth.appPasswords
        activity = kit.auth.activity
        settings = kit.auth.settings
        view = kit.view
        logger = kit.logger
        now = kit.now
    }

    func list(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        let held = try tokens.list(accountID: user.account.id)
        let max = settings.maxTokensPerAccount
        let appPasswords = Dictionary(
            uniqueKeysWithValues: try appPasswords.list(accountID: user.account.id).map { ($0.id, $0.name) })
        let usage = try tokens.dailyUses(accountID: user.account.id, days: Self.chartDays)
        let rows = held.map { token in
            var row = row(token, appPasswords: appPasswords)
            row.usage = Self.chart(token, usage[token.id])
            return row
        }
        var soon = rows.filter { $0.expiresSoon != nil }
        if !soon.isEmpty { soon[soon.count - 1].last = true }
        let expiry = expiryOptions()
        let page = TokensView(
            tokens: rows, hasTokens: !held.isEmpty, count: held.count, max: max, full: held.count >= max,
            scopeOptions: settings.scopes.scopes.map { ValueRow(value: $0) },
            expiringSoon: soon, hasExpiringSoon: !soon.isEmpty,
            expiryOptions: expiry.expiryOptions, minDate: expiry.minDate, maxLifetime: expiry.maxLifetime,
            // Absent rather than empty: an empty string still opens a Mustache section here.
            notice: form["done"].flatMap { Self.doneMessages[$0] })
        return view.page(page, user: user)
    }

    /// The create form on the token page: one scope from the configured list and a name.
    func create(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        guard let scope = form["scope"], settings.scopes.scopes.contains(scope) else { throw PageRefusal.unknownScope }
        guard let name = TokenService.applicationName(form["name"], scopes: [scope]) else { throw PageRefusal.unusableName }
        guard let expiry = Self.expiryChoice(form) else { throw PageRefusal.unusableExpiry }
        return try issue(user, scopes: [scope], name: name, expiry: expiry)
    }

    /// GET of remove or regenerate: a page that names the token and asks to confirm.
    func confirmAction(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        guard let id = form["id"].flatMap(Int64.init), let token = try tokens.token(id: id, accountID: user.account.id)
        else { throw PageRefusal.noSuchToken }
        let remove = request.path == "/tokens/remove"
        let renew = tokens.hasExpired(token)
        var row = row(token)
        row.newExpiry = tokens.renewedExpiry(of: token).map(PageDate.string(from:))
        return view.page(TokenActionView(
            remove: remove, title: remove ? "Remove token" : renew ? "Renew token" : "Regenerate token", token: row,
            renew: renew), user: user)
    }

    func remove(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        guard let id = form["id"].flatMap(Int64.init),
              try tokens.removeToken(id: id, accountID: user.account.id, client: user.client, via: "browser")
        else { throw PageRefusal.noSuchToken }
        logger.info("token removed in the browser", metadata: ["token.id": "\(id)"])
        return .redirect("/tokens?done=removed")
    }

    func regenerate(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        guard let id = form["id"].flatMap(Int64.init), let issued = try tokens.regenerateToken(id: id, accountID: user.account.id)
        else { throw PageRefusal.noSuchToken }
        logger.info("token regenerated in the browser", metadata: [
            "token.id": "\(id)", "token.hint": "\(issued.record.hint)",
        ])
        try activity.record(.tokenRegenerated, accountID: user.account.id, client: user.client,
                            detail: ActivityService.tokenDetail(id: id, hint: issued.record.hint))
        return shownOnce(issued, user, regenerated: true)
    }

    /// What a template shows of a stored token (never its digest), with its expiry facts.
    /// `appPasswords` (id to name) says which application password got the token; one
    /// revoked since is named as such, since its tokens live on.
    func row(_ token: TokenRecord, appPasswords: [Int64: String] = [:]) -> TokenRow {
        var row = TokenRow(
            id: String(token.id), name: token.displayName, scopes: token.scopes.joined(separator: ", "),
            created: PageDate.string(from: token.createdAt), createdISO: PageDate.iso(token.createdAt),
            hint: token.hint, hasExpiry: token.expiresAt != nil)
        if let used = token.lastUsedAt {
            row.lastUsed = PageDate.string(from: used)
            row.lastUsedISO = PageDate.iso(used)
            row.lastUsedFrom = token.lastUsedFrom ?? ""
        }
        row.appPassword = token.appPasswordID.map { id in
            appPasswords[id].map { "application password “\($0)”" } ?? "an application password revoked since"
        }
        addExpiryFacts(token, to: &row)
        return row
    }
}
