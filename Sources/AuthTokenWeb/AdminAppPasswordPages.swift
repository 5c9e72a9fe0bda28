import AuthTokenCore
import AuthTokenStore
import Foundation
import Logging

/// Application passwords of every account (`/admin/app-passwords`): the list, the CSV, one
/// revoked, or every one the filter matches after a confirmation that says how many (as the
/// credentials inventory does for tokens). Never a password's hash; the tokens a revoked
/// password got stay.
struct AdminAppPasswordPages {
    let admin: AdminService
    let view: PageRenderer
    let logger: Logger
    let now: @Sendable () -> Date
    let appPasswords: AppPasswordService

    init(_ kit: PageKit) {
        admin = kit.auth.admin
        view = kit.view
        logger = kit.logger
        now = kit.now
        appPasswords = kit.auth.appPasswords
    }

    func list(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn)
        throws -> HTTPResponse
    {
        let filter = try AppPasswordQuery(form, admin: admin, now: now())
        let page = AdminPaging.page(form)
        let (rows, total) = filter.problem == nil
            ? try admin.appPasswordInventory(ownerID: filter.ownerID, unusedSince: filter.unusedSince, page: page) : ([], 0)
        let paging = AdminPaging(path: "/admin/app-passwords", query: filter.fields, page: page,
                                 shown: rows.count, total: total, pageSize: AdminService.adminPageSize)
        var list = AdminAppPasswordsView(
            owner: filter.owner, unused: filter.unused, error: filter.problem, hasRows: !rows.isEmpty,
            appPasswords: rows.map { row in
                AdminAppPasswordsView.Row(
                    id: String(row.appPassword.id), ownerID: String(row.appPassword.accountID), owner: row.ownerEmail,
                    name: row.appPassword.name, created: PageDate.string(from: row.appPassword.createdAt),
                    lastUsed: row.appPassword.lastUsedAt.map(PageDate.string(from:)) ?? "never",
                    tokens: String(row.tokenCount))
            },
            described: filter.description,
            notice: form["revoked"].flatMap { Int($0) }.map {
                $0 == 1 ? "The application password was revoked." : "\($0) application passwords were revoked."
            })
        paging.fill(&list)
        return view.page(list, user: user, status: filter.problem == nil ? 200 : 400)
    }

    func csv(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws
        -> HTTPResponse
    {
        let filter = try AppPasswordQuery(form, admin: admin, now: now())
        if let problem = filter.problem {
            throw PageRefusal.unusableFilter(problem)
        }
        let rows = try admin.allAppPasswords(ownerID: filter.ownerID, unusedSince: filter.unusedSince)
        return HTTPResponse(status: 200, headers: [
            ("Content-Type", "text/csv; charset=UTF-8"),
            ("Content-Disposition", "attachment; filename=\"authtoken-app-passwords.csv\""),
            ("Cache-Control", "no-store"),
        ], body: Array(InventoryCSV.text(rows).utf8))
    }

    func confirmRevoke(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn)
        throws -> HTTPResponse
    {
        guard let id = form["id"].flatMap({ Int64($0) }), let accountID = form["account"].flatMap({ Int64($0) }),
              let owner = try admin.account(id: accountID),
              let record = try appPasswords.list(accountID: accountID).first(where: { $0.id == id })
        else { throw PageRefusal.adminAppPasswordGone }
        return view.page(AdminConfirmView(
            title: "Revoke this application password?",
            heading: "Revoke the application password “\(record.name)” of \(owner.email)?",
            text: "It can no longer get tokens in API mode. Tokens it got earlier stay; revoke those in the inventory.",
            action: "/admin/app-passwords/revoke", button: "Revoke permanently", cancel: "/admin/app-passwords",
            fields: [.init(name: "id", value: String(id)), .init(name: "account", value: String(accountID))]), user: user)
    }

    func revoke(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn)
        throws -> HTTPResponse
    {
        guard let id = form["id"].flatMap({ Int64($0) }), let accountID = form["account"].flatMap({ Int64($0) }),
              try admin.revokeAppPassword(id: id, accountID: accountID, admin: user.account, client: user.client)
        else { throw PageRefusal.adminAppPasswordGone }
        return .redirect("/admin/app-passwords?revoked=1")
    }


    func confirmRevokeAll(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn)
        throws -> HTTPResponse
    {
        let filter = try AppPasswordQuery(form, admin: admin, now: now())
        if let problem = filter.problem {
            throw PageRefusal.unusableFilter(problem)
        }
        let count = try admin.appPasswordCount(ownerID: filter.ownerID, unusedSince: filter.unusedSince)
        return bulkAppPasswordConfirmation(filter, count: count, changed: false, user)
    }

    /// The confirmation, with the exact count the filter matches now; 409 when it comes back
    /// because the count the form carried no longer held (nothing was revoked).
    func bulkAppPasswordConfirmation(_ filter: AppPasswordQuery, count: Int, changed: Bool, _ user: SignedIn) -> HTTPResponse
    {
        guard count > 0 else {
            return view.page(MessageView(
                title: "No application password matches",
                text: "No application password matches this filter (\(filter.description)); nothing to revoke.",
                link: "/admin/app-passwords?" + filter.query, linkText: "Back to the application passwords"),
                user: user, status: changed ? 409 : 200)
        }
        let noun = count == 1 ? "1 application password" : "\(count) application passwords"
        var fields = filter.fields.filter { !$0.1.isEmpty }.map { AdminConfirmView.Field(name: $0.0, value: $0.1) }
        fields.append(.init(name: "expected", value: String(count)))
        return view.page(AdminConfirmView(
            title: "Revoke \(noun)?", heading: "Revoke \(noun)?",
            text: "Every application password matching \(filter.description) will be revoked: \(noun), of every "
                + "account they belong to. They can no longer get tokens in API mode. Tokens they got earlier stay; "
                + "revoke those in the credentials inventory.",
            action: "/admin/app-passwords/revoke-all", button: "Revoke \(noun)",
            cancel: "/admin/app-passwords?" + filter.query, fields: fields,
            notice: changed
                ? "The application passwords matching this filter changed since the last page; here is the new number."
                : nil), user: user, status: changed ? 409 : 200)
    }

    func revokeAll(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn)
        throws -> HTTPResponse
    {
        let filter = try AppPasswordQuery(form, admin: admin, now: now())
        if let problem = filter.problem {
            throw PageRefusal.unusableFilter(problem)
        }
        guard let expected = form["expected"].flatMap({ Int($0) }), expected > 0,
              let revoked = try admin.revokeAppPasswords(
                  ownerID: filter.ownerID, unusedSince: filter.unusedSince, expected: expected,
                  described: filter.description, admin: user.account, client: user.client)
        else {
            let count = try admin.appPasswordCount(ownerID: filter.ownerID, unusedSince: filter.unusedSince)
            return bulkAppPasswordConfirmation(filter, count: count, changed: true, user)
        }
        logger.notice("application passwords revoked at once by an administrator", metadata: [
            "admin.id": "\(user.account.id)", "count": "\(revoked)",
        ])
        return .redirect("/admin/app-passwords?revoked=\(revoked)")
    }
}
