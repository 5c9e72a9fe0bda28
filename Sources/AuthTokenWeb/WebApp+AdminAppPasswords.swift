import AuthTokenCore
import AuthTokenStore
import Foundation

/// Application passwords of every account (`/admin/app-passwords`): the list, the CSV, one
/// revoked, or every one the filter matches after a confirmation that says how many (as the
/// credentials inventory does for tokens). Never a password's hash; the tokens a revoked
/// password got stay.
extension WebApp {
    func appPasswordInventory(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn)
        throws -> HTTPResponse
    {
        let filter = try AppPasswordQuery(form, auth: auth, now: now())
        let page = AdminPaging.page(form)
        let (rows, total) = filter.problem == nil
            ? try auth.admin.appPasswordInventory(ownerID: filter.ownerID, unusedSince: filter.unusedSince, page: page) : ([], 0)
        let paging = AdminPaging(path: "/admin/app-passwords", query: filter.fields, page: page,
                                 shown: rows.count, total: total, pageSize: AdminService.adminPageSize)
        var values = paging.values
        values["title"] = "Application passwords"
        values["owner"] = filter.owner
        values["unused"] = filter.unused
        if let problem = filter.problem { values["error"] = problem }
        values["hasRows"] = !rows.isEmpty
        values["appPasswords"] = rows.map { row -> [String: Any] in
            [
                "id": String(row.appPassword.id), "ownerID": String(row.appPassword.accountID), "owner": row.ownerEmail,
                "name": row.appPassword.name, "created": PageDate.string(from: row.appPassword.createdAt),
                "lastUsed": row.appPassword.lastUsedAt.map(PageDate.string(from:)) ?? "never",
                "tokens": String(row.tokenCount),
            ]
        }
        values["described"] = filter.description
        if let revoked = form["revoked"].flatMap({ Int($0) }) {
            values["notice"] = revoked == 1 ? "The application password was revoked."
                : "\(revoked) application passwords were revoked."
        }
        return self.page("admin-app-passwords", browser, user: user, status: filter.problem == nil ? 200 : 400, values)
    }

    func appPasswordCSV(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn) throws
        -> HTTPResponse
    {
        let filter = try AppPasswordQuery(form, auth: auth, now: now())
        if let problem = filter.problem {
            return page("message", browser, user: user, status: 400, ["title": "Unusable filter", "text": problem])
        }
        let rows = try auth.admin.allAppPasswords(ownerID: filter.ownerID, unusedSince: filter.unusedSince)
        return HTTPResponse(status: 200, headers: [
            ("Content-Type", "text/csv; charset=UTF-8"),
            ("Content-Disposition", "attachment; filename=\"authtoken-app-passwords.csv\""),
            ("Cache-Control", "no-store"),
        ], body: Array(InventoryCSV.text(rows).utf8))
    }

    func confirmRevokeAppPassword(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn)
        throws -> HTTPResponse
    {
        guard let id = form["id"].flatMap({ Int64($0) }), let accountID = form["account"].flatMap({ Int64($0) }),
              let owner = try auth.admin.account(id: accountID),
              let record = try auth.appPasswords.list(accountID: accountID).first(where: { $0.id == id })
        else { return appPasswordGone(user, browser) }
        return page("admin-confirm", browser, user: user, [
            "title": "Revoke this application password?",
            "heading": "Revoke the application password “\(record.name)” of \(owner.email)?",
            "text": "It can no longer get tokens in API mode. Tokens it got earlier stay; revoke those in the inventory.",
            "action": "/admin/app-passwords/revoke", "button": "Revoke permanently", "cancel": "/admin/app-passwords",
            "fields": [["name": "id", "value": String(id)], ["name": "account", "value": String(accountID)]],
        ])
    }

    func revokeAppPasswordAsAdmin(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn)
        throws -> HTTPResponse
    {
        guard let id = form["id"].flatMap({ Int64($0) }), let accountID = form["account"].flatMap({ Int64($0) }),
              try auth.admin.revokeAppPassword(id: id, accountID: accountID, admin: user.account, client: user.client)
        else { return appPasswordGone(user, browser) }
        return .redirect("/admin/app-passwords?revoked=1")
    }

    func appPasswordGone(_ user: SignedIn, _ browser: BrowserSettings) -> HTTPResponse {
        page("message", browser, user: user, status: 404, [
            "title": "No such application password", "text": "It does not exist (any more); perhaps it was revoked already.",
            "link": "/admin/app-passwords", "linkText": "Back to the application passwords",
        ])
    }

    func confirmRevokeAppPasswords(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn)
        throws -> HTTPResponse
    {
        let filter = try AppPasswordQuery(form, auth: auth, now: now())
        if let problem = filter.problem {
            return page("message", browser, user: user, status: 400, ["title": "Unusable filter", "text": problem])
        }
        let count = try auth.admin.appPasswordCount(ownerID: filter.ownerID, unusedSince: filter.unusedSince)
        return bulkAppPasswordConfirmation(filter, count: count, changed: false, user, browser)
    }

    /// The confirmation, with the exact count the filter matches now; 409 when it comes back
    /// because the count the form carried no longer held (nothing was revoked).
    func bulkAppPasswordConfirmation(_ filter: AppPasswordQuery, count: Int, changed: Bool, _ user: SignedIn,
                                     _ browser: BrowserSettings) -> HTTPResponse
    {
        guard count > 0 else {
            return page("message", browser, user: user, status: changed ? 409 : 200, [
                "title": "No application password matches",
                "text": "No application password matches this filter (\(filter.description)); nothing to revoke.",
                "link": "/admin/app-passwords?" + filter.query, "linkText": "Back to the application passwords",
            ])
        }
        let noun = count == 1 ? "1 application password" : "\(count) application passwords"
        var fields = filter.fields.filter { !$0.1.isEmpty }.map { ["name": $0.0, "value": $0.1] }
        fields.append(["name": "expected", "value": String(count)])
        return page("admin-confirm", browser, user: user, status: changed ? 409 : 200, [
            "title": "Revoke \(noun)?", "heading": "Revoke \(noun)?",
            "notice": changed
                ? "The application passwords matching this filter changed since the last page; here is the new number."
                : false,
            "text": "Every application password matching \(filter.description) will be revoked: \(noun), of every "
                + "account they belong to. They can no longer get tokens in API mode. Tokens they got earlier stay; "
                + "revoke those in the credentials inventory.",
            "action": "/admin/app-passwords/revoke-all", "button": "Revoke \(noun)",
            "cancel": "/admin/app-passwords?" + filter.query, "fields": fields,
        ])
    }

    func revokeAppPasswordsAsAdmin(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn)
        throws -> HTTPResponse
    {
        let filter = try AppPasswordQuery(form, auth: auth, now: now())
        if let problem = filter.problem {
            return page("message", browser, user: user, status: 400, ["title": "Unusable filter", "text": problem])
        }
        guard let expected = form["expected"].flatMap({ Int($0) }), expected > 0,
              let revoked = try auth.admin.revokeAppPasswords(
                  ownerID: filter.ownerID, unusedSince: filter.unusedSince, expected: expected,
                  described: filter.description, admin: user.account, client: user.client)
        else {
            let count = try auth.admin.appPasswordCount(ownerID: filter.ownerID, unusedSince: filter.unusedSince)
            return bulkAppPasswordConfirmation(filter, count: count, changed: true, user, browser)
        }
        logger.notice("application passwords revoked at once by an administrator", metadata: [
            "admin.id": "\(user.account.id)", "count": "\(revoked)",
        ])
        return .redirect("/admin/app-passwords?revoked=\(revoked)")
    }
}
