import AuthTokenCore
import AuthTokenStore
import Foundation
import Logging

/// The credentials inventory (`/admin/tokens`): every token of every account, filtered,
/// sorted and paged; one revoked, or every one the filter matches after a confirmation that
/// says how many; the list as CSV. No page shows a token's value (the store has only its
/// digest): a hint names it.
struct AdminTokenPages {
    let admin: AdminService
    let view: PageRenderer
    let logger: Logger
    let now: @Sendable () -> Date
    let tokens: TokenService
    let scopes: [String]

    init(_ kit: PageKit) {
        admin = kit.auth.admin
        view = kit.view
        logger = kit.logger
        now = kit.now
        tokens = kit.auth.tokens
        scopes = kit.auth.settings.scopes.scopes
    }

    func inventory(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws
        -> HTTPResponse
    {
        let query = try InventoryQuery(form, scopes: scopes, admin: admin, now: now())
        let page = AdminPaging.page(form)
        let (found, total) = query.problem == nil
            ? try admin.tokenInventory(query.filter, sort: query.sort, page: page) : ([], 0)
        var paging = AdminPaging(path: "/admin/tokens", query: query.fields(), page: page, shown: found.count,
                                 total: total, pageSize: AdminService.adminPageSize)
        paging.more = "more than \(AdminService.inventoryCountLimit)"
        let rows = found.prefix(AdminService.adminPageSize)
        var list = AdminTokensView(
            error: query.problem, owner: query.owner, unused: query.unused, expiring: query.expiring,
            scopes: scopes.map { .init(name: $0, selected: $0 == query.scope) },
            sorts: TokenSort.allCases.map { Choice(value: $0.rawValue, label: Self.sortLabel($0), selected: $0 == query.sort) },
            described: query.description, hasRows: !rows.isEmpty,
            tokens: rows.map { row in
                var token = AdminTokenRow(row.token)
                token.owner = row.ownerEmail
                token.ownerID = String(row.token.accountID)
                token.appPassword = row.appPasswordName ?? (row.token.appPasswordID == nil ? "" : "(revoked)")
                token.expires = expiryText(row.token, date: PageDate.string(from:))
                token.expired = tokens.hasExpired(row.token)
                return token
            },
            notice: form["revoked"].flatMap { Int($0) }.map { $0 == 1 ? "1 token was revoked." : "\($0) tokens were revoked." })
        paging.fill(&list)
        return view.page(list, user: user, status: query.problem == nil ? 200 : 400)
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
    func csv(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws
        -> HTTPResponse
    {
        let query = try InventoryQuery(form, scopes: scopes, admin: admin, now: now())
        if let problem = query.problem {
            throw PageRefusal.unusableFilter(problem)
        }
        let rows = try admin.allTokens(query.filter, sort: query.sort)
        return HTTPResponse(status: 200, headers: [
            ("Content-Type", "text/csv; charset=UTF-8"),
            ("Content-Disposition", "attachment; filename=\"authtoken-tokens.csv\""),
            ("Cache-Control", "no-store"),
        ], body: Array(InventoryCSV.text(rows, expires: { expiryText($0, date: InventoryCSV.iso) }).utf8))
    }

    /// A token's expiry in the inventory's words: "never", the date, or "expired on" it.
    func expiryText(_ token: TokenRecord, date: (Date) -> String) -> String {
        guard let expires = token.expiresAt else { return "never" }
        return tokens.hasExpired(token) ? "expired on " + date(expires) : date(expires)
    }

    func confirmRevoke(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws
        -> HTTPResponse
    {
        guard let id = form["id"].flatMap({ Int64($0) }), let token = try admin.token(id: id),
              let owner = try admin.account(id: token.accountID)
        else { throw PageRefusal.adminTokenGone }
        return view.page(AdminConfirmView(
            title: "Revoke this token?", heading: "Revoke the token “\(token.displayName)” of \(owner.email)?",
            text: "Token \(token.hint), scopes \(token.scopes.joined(separator: ", ")). Revocation is permanent: "
                + "every program that uses this token is refused from its next request on.",
            action: "/admin/tokens/revoke", button: "Revoke permanently", cancel: "/admin/tokens",
            fields: [.init(name: "id", value: String(id))]), user: user)
    }

    func revoke(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws
        -> HTTPResponse
    {
        guard let id = form["id"].flatMap({ Int64($0) }),
              let token = try admin.revokeToken(id: id, admin: user.account, client: user.client)
        else { throw PageRefusal.adminTokenGone }
        logger.notice("token revoked by an administrator", metadata: [
            "admin.id": "\(user.account.id)", "token.id": "\(token.id)", "token.hint": "\(token.hint)",
        ])
        return .redirect("/admin/tokens?revoked=1")
    }

    func confirmRevokeAll(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws
        -> HTTPResponse
    {
        let query = try InventoryQuery(form, scopes: scopes, admin: admin, now: now())
        if let problem = query.problem {
            throw PageRefusal.unusableFilter(problem)
        }
        return try bulkConfirmation(query, count: try admin.tokenCount(query.filter), changed: false, user)
    }

    func bulkConfirmation(_ query: InventoryQuery, count: Int, changed: Bool, _ user: SignedIn)
        throws -> HTTPResponse
    {
        guard count > 0 else {
            return view.page(MessageView(
                title: "No token matches", text: "No token matches this filter (\(query.description)); nothing to revoke.",
                link: "/admin/tokens?" + query.query, linkText: "Back to the inventory"), user: user, status: changed ? 409 : 200)
        }
        let noun = count == 1 ? "1 token" : "\(count) tokens"
        var fields = query.fields(sorted: false).filter { !$0.1.isEmpty }.map { AdminConfirmView.Field(name: $0.0, value: $0.1) }
        fields.append(.init(name: "expected", value: String(count)))
        return view.page(AdminConfirmView(
            title: "Revoke \(noun)?", heading: "Revoke \(noun)?",
            text: "Every token matching \(query.description) will be revoked: \(noun), of every account they belong to. "
                + "Revocation is permanent; each program using one of them is refused from its next request on.",
            action: "/admin/tokens/revoke-all", button: "Revoke \(noun)", cancel: "/admin/tokens?" + query.query,
            fields: fields,
            notice: changed ? "The tokens matching this filter changed since the last page; here is the new number." : nil),
            user: user, status: changed ? 409 : 200)
    }

    func revokeAll(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws
        -> HTTPResponse
    {
        let query = try InventoryQuery(form, scopes: scopes, admin: admin, now: now())
        if let problem = query.problem {
            throw PageRefusal.unusableFilter(problem)
        }
        guard let expected = form["expected"].flatMap({ Int($0) }), expected > 0 else {
            return try bulkConfirmation(query, count: try admin.tokenCount(query.filter), changed: true, user)
        }
        guard let revoked = try admin.revokeTokens(query.filter, expected: expected, described: query.description,
                                                 admin: user.account, client: user.client)
        else {
            return try bulkConfirmation(query, count: try admin.tokenCount(query.filter), changed: true, user)
        }
        logger.notice("tokens revoked at once by an administrator", metadata: [
            "admin.id": "\(user.account.id)", "count": "\(revoked)",
        ])
        return .redirect("/admin/tokens?revoked=\(revoked)")
    }

}
