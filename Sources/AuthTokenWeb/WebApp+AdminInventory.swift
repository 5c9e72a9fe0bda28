import AuthTokenCore
import AuthTokenStore
import Foundation

/// The credentials inventory (`/admin/tokens`): every token of every account, filtered,
/// sorted and paged; one revoked, or every one the filter matches after a confirmation that
/// says how many; the list as CSV. No page shows a token's value (the store has only its
/// digest): a hint names it.
extension WebApp {
    func inventory(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn) throws
        -> HTTPResponse
    {
        let query = try InventoryQuery(form, auth: auth, now: now())
        let page = AdminPaging.page(form)
        let (found, total) = query.problem == nil
            ? try auth.admin.tokenInventory(query.filter, sort: query.sort, page: page) : ([], 0)
        var paging = AdminPaging(path: "/admin/tokens", query: query.fields(), page: page, shown: found.count,
                                 total: total, pageSize: AdminService.adminPageSize)
        paging.more = "more than \(AdminService.inventoryCountLimit)"
        let rows = found.prefix(AdminService.adminPageSize)
        var values = paging.values
        values["title"] = "Credentials inventory"
        if let problem = query.problem { values["error"] = problem }
        values["owner"] = query.owner
        values["unused"] = query.unused
        values["expiring"] = query.expiring
        values["scopes"] = auth.settings.scopes.scopes.map { ["name": $0, "selected": $0 == query.scope] }
        values["sorts"] = TokenSort.allCases.map {
            ["value": $0.rawValue, "label": Self.sortLabel($0), "selected": $0 == query.sort]
        }
        values["described"] = query.description
        values["hasRows"] = !rows.isEmpty
        values["tokens"] = rows.map { row -> [String: Any] in
            var token = Self.tokenValues(row.token)
            token["owner"] = row.ownerEmail
            token["ownerID"] = String(row.token.accountID)
            token["appPassword"] = row.appPasswordName ?? (row.token.appPasswordID == nil ? "" : "(revoked)")
            token["expires"] = expiryText(row.token, date: PageDate.string(from:))
            token["expired"] = auth.tokens.hasExpired(row.token)
            return token
        }
        if let revoked = form["revoked"].flatMap({ Int($0) }) {
            values["notice"] = revoked == 1 ? "1 token was revoked." : "\(revoked) tokens were revoked."
        }
        return self.page("admin-tokens", browser, user: user, status: query.problem == nil ? 200 : 400, values)
    }

    static func sortLabel(_ sort: TokenSort) -> String {
        switch sort {
        case .newest: "Newest first"
        case .oldest: "Oldest first"
        case .recentlyUsed: "Recently used first"
        case .longestUnused: "Longest unused first"
        case .owner: "By owner"
        }
    }

    /// The filtered list as CSV, every row (not one page), in the page's order.
    func inventoryCSV(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn) throws
        -> HTTPResponse
    {
        let query = try InventoryQuery(form, auth: auth, now: now())
        if let problem = query.problem {
            return page("message", browser, user: user, status: 400, ["title": "Unusable filter", "text": problem])
        }
        let rows = try auth.admin.allTokens(query.filter, sort: query.sort)
        return HTTPResponse(status: 200, headers: [
            ("Content-Type", "text/csv; charset=UTF-8"),
            ("Content-Disposition", "attachment; filename=\"authtoken-tokens.csv\""),
            ("Cache-Control", "no-store"),
        ], body: Array(InventoryCSV.text(rows, expires: { expiryText($0, date: InventoryCSV.iso) }).utf8))
    }

    /// A token's expiry in the inventory's words: "never", the date, or "expired on" it.
    func expiryText(_ token: TokenRecord, date: (Date) -> String) -> String {
        guard let expires = token.expiresAt else { return "never" }
        return auth.tokens.hasExpired(token) ? "expired on " + date(expires) : date(expires)
    }

    func confirmRevokeToken(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn) throws
        -> HTTPResponse
    {
        guard let id = form["id"].flatMap({ Int64($0) }), let token = try auth.admin.token(id: id),
              let owner = try auth.admin.account(id: token.accountID)
        else { return tokenGone(user, browser) }
        return page("admin-confirm", browser, user: user, [
            "title": "Revoke this token?", "heading": "Revoke the token “\(token.displayName)” of \(owner.email)?",
            "text": "Token \(token.hint), scopes \(token.scopes.joined(separator: ", ")). Revocation is permanent: "
                + "every program that uses this token is refused from its next request on.",
            "action": "/admin/tokens/revoke", "button": "Revoke permanently", "cancel": "/admin/tokens",
            "fields": [["name": "id", "value": String(id)]],
        ])
    }

    func revokeToken(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn) throws
        -> HTTPResponse
    {
        guard let id = form["id"].flatMap({ Int64($0) }),
              let token = try auth.admin.revokeToken(id: id, admin: user.account, client: user.client)
        else { return tokenGone(user, browser) }
        logger.notice("token revoked by an administrator", metadata: [
            "admin.id": "\(user.account.id)", "token.id": "\(token.id)", "token.hint": "\(token.hint)",
        ])
        return .redirect("/admin/tokens?revoked=1")
    }

    func confirmRevokeTokens(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn) throws
        -> HTTPResponse
    {
        let query = try InventoryQuery(form, auth: auth, now: now())
        if let problem = query.problem {
            return page("message", browser, user: user, status: 400, ["title": "Unusable filter", "text": problem])
        }
        return try bulkConfirmation(query, count: try auth.admin.tokenCount(query.filter), changed: false, user, browser)
    }

    func bulkConfirmation(_ query: InventoryQuery, count: Int, changed: Bool, _ user: SignedIn, _ browser: BrowserSettings)
        throws -> HTTPResponse
    {
        guard count > 0 else {
            return page("message", browser, user: user, status: changed ? 409 : 200, [
                "title": "No token matches", "text": "No token matches this filter (\(query.description)); nothing to revoke.",
                "link": "/admin/tokens?" + query.query, "linkText": "Back to the inventory",
            ])
        }
        let noun = count == 1 ? "1 token" : "\(count) tokens"
        var fields = query.fields(sorted: false).filter { !$0.1.isEmpty }.map { ["name": $0.0, "value": $0.1] }
        fields.append(["name": "expected", "value": String(count)])
        return page("admin-confirm", browser, user: user, status: changed ? 409 : 200, [
            "title": "Revoke \(noun)?", "heading": "Revoke \(noun)?",
            "notice": changed ? "The tokens matching this filter changed since the last page; here is the new number." : false,
            "text": "Every token matching \(query.description) will be revoked: \(noun), of every account they belong to. "
                + "Revocation is permanent; each program using one of them is refused from its next request on.",
            "action": "/admin/tokens/revoke-all", "button": "Revoke \(noun)", "cancel": "/admin/tokens?" + query.query,
            "fields": fields,
        ])
    }

    func revokeTokens(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn) throws
        -> HTTPResponse
    {
        let query = try InventoryQuery(form, auth: auth, now: now())
        if let problem = query.problem {
            return page("message", browser, user: user, status: 400, ["title": "Unusable filter", "text": problem])
        }
        guard let expected = form["expected"].flatMap({ Int($0) }), expected > 0 else {
            return try bulkConfirmation(query, count: try auth.admin.tokenCount(query.filter), changed: true, user, browser)
        }
        guard let revoked = try auth.admin.revokeTokens(query.filter, expected: expected, described: query.description,
                                                 admin: user.account, client: user.client)
        else {
            return try bulkConfirmation(query, count: try auth.admin.tokenCount(query.filter), changed: true, user, browser)
        }
        logger.notice("tokens revoked at once by an administrator", metadata: [
            "admin.id": "\(user.account.id)", "count": "\(revoked)",
        ])
        return .redirect("/admin/tokens?revoked=\(revoked)")
    }

    func tokenGone(_ user: SignedIn, _ browser: BrowserSettings) -> HTTPResponse {
        page("message", browser, user: user, status: 404, [
            "title": "No such token", "text": "This token does not exist (any more); perhaps it was revoked already.",
            "link": "/admin/tokens", "linkText": "Back to the inventory",
        ])
    }
}
