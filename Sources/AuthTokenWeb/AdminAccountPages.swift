import AuthTokenCore
import AuthTokenStore
import Foundation
import Logging

/// `/admin/accounts` (search, filters, paging), `/admin/account?id=` (one account and what
/// it holds) and `/admin/account/action` (confirm, deactivate/activate, reset two-factor,
/// unblock, end all sessions; the destructive ones asked about first on a GET page).
struct AdminAccountPages {
    let admin: AdminService
    let passkeys: PasskeyService
    let directory: DirectoryService
    let view: PageRenderer
    let logger: Logger
    let now: @Sendable () -> Date

    init(_ kit: PageKit) {
        admin = kit.auth.admin
        passkeys = kit.auth.passkeys
        directory = kit.auth.directory
        view = kit.view
        logger = kit.logger
        now = kit.now
    }

    func list(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws
        -> HTTPResponse
    {
        let search = String((form["q"] ?? "").prefix(200))
        let flags = ["unconfirmed", "deactivated", "blocked", "twofactor"].filter { form[$0] == "1" }
        let filter = AccountFilter(
            search: search, unconfirmedOnly: flags.contains("unconfirmed"), deactivatedOnly: flags.contains("deactivated"),
            blockedOnly: flags.contains("blocked"), twoFactorOnly: flags.contains("twofactor"), now: now())
        let page = AdminPaging.page(form)
        let (rows, total) = try admin.accountList(filter, page: page)
        let paging = AdminPaging(path: "/admin/accounts", query: [("q", search)] + flags.map { ($0, "1") },
                                 page: page, shown: rows.count, total: total, pageSize: AdminService.adminPageSize)
        func flag(_ name: String) -> Bool? { flags.contains(name) ? true : nil }
        var list = AdminAccountsView(
            search: search, unconfirmed: flag("unconfirmed"), deactivated: flag("deactivated"), blocked: flag("blocked"),
            twofactor: flag("twofactor"), hasRows: !rows.isEmpty,
            accounts: rows.map { row in
                AdminAccountsView.Row(
                    id: String(row.account.id), email: row.account.email, name: row.account.displayName,
                    origin: row.account.origin.rawValue, confirmed: row.account.confirmed, active: row.account.active, admin: row.account.admin,
                    twoFactor: row.twoFactor, blocked: row.blockedUntil != nil, tokens: String(row.tokenCount),
                    created: PageDate.string(from: row.account.createdAt))
            },
            directorySync: try AdminDirectorySync.view(directory))
        paging.fill(&list)
        return view.page(list, user: user)
    }

    func account(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws
        -> HTTPResponse
    {
        guard let id = form["id"].flatMap({ Int64($0) }), let found = try admin.adminAccount(id: id) else {
            throw PageRefusal.noSuchAccount
        }
        let account = found.account
        let keys = try passkeys.list(accountID: account.id)
        var page = AdminAccountDetailView(
            title: account.email, id: String(account.id), accountID: String(account.id),
            ownerQuery: FormData.encode(account.email), accountEmail: account.email, name: account.displayName,
            origin: account.origin.rawValue, confirmed: account.confirmed, active: account.active, admin: account.admin,
            adminFromGroup: directory.groupDecidesAdmin(account),
            twoFactor: found.twoFactor, created: PageDate.string(from: account.createdAt),
            blockedUntil: found.blockedUntil.map(PageDate.string(from:)),
            tokens: found.tokens.map { AdminTokenRow($0) }, hasTokens: !found.tokens.isEmpty,
            appPasswords: found.appPasswords.map { password in
                AdminAccountDetailView.AppPassword(
                    id: String(password.id), name: password.name, created: PageDate.string(from: password.createdAt),
                    lastUsed: password.lastUsedAt.map(PageDate.string(from:)) ?? "never")
            },
            hasAppPasswords: !found.appPasswords.isEmpty,
            keys: keys.map { key in
                AdminAccountDetailView.Key(
                    name: key.name, created: PageDate.string(from: key.createdAt),
                    lastUsed: key.lastUsedAt.map(PageDate.string(from:)) ?? "never")
            },
            hasKeys: !keys.isEmpty,
            sessions: found.sessions.map { session in
                AdminAccountDetailView.Session(
                    browser: session.userAgent.isEmpty ? "Unknown browser" : SessionService.browserName(session.userAgent),
                    address: session.address.isEmpty ? "—" : session.address,
                    started: PageDate.string(from: session.createdAt), lastSeen: PageDate.string(from: session.lastSeenAt))
            },
            hasSessions: !found.sessions.isEmpty,
            activity: found.activity.map { ActivityRow($0, withAccount: true) }, hasActivity: !found.activity.isEmpty,
            actions: availableActions(found).map { action in
                AdminAccountDetailView.Action(action: action.rawValue, label: Self.buttonLabel(action), destructive: action.isDestructive)
            })
        switch form["done"] {
        case let done? where AdminAction(rawValue: done) != nil:
            page.notice = "Done: " + AdminAction(rawValue: done)!.label + "."
        case "revoked": page.notice = "The token was revoked."
        case "revoked-app-password": page.notice = "The application password was revoked."
        default: break
        }
        return view.page(page, user: user)
    }

    /// What makes sense for the account as it is now.
    func availableActions(_ view: AdminAccountView) -> [AdminAction] {
        var actions: [AdminAction] = []
        if !view.account.confirmed { actions.append(.confirm) }
        actions.append(view.account.active ? .deactivate : .activate)
        if view.twoFactor { actions.append(.resetTwoFactor) }
        if view.blockedUntil != nil { actions.append(.unblock) }
        if !view.sessions.isEmpty { actions.append(.endSessions) }
        return actions
    }

    static func buttonLabel(_ action: AdminAction) -> String {
        switch action {
        case .confirm: "Confirm the registration"
        case .deactivate: "Deactivate"
        case .activate: "Activate"
        case .resetTwoFactor: "Reset two-factor sign-in"
        case .unblock: "Lift the block"
        case .endSessions: "End every session"
        }
    }

    /// What a destructive action does, said on its confirmation page.
    static func consequence(_ action: AdminAction) -> String {
        switch action {
        case .deactivate: "The person can no longer sign in, every session of theirs stops, and every token of "
            + "theirs is refused from the next request on, until the account is activated again."
        case .resetTwoFactor: "Two-factor sign-in is turned off and the recovery codes are deleted; the person "
            + "signs in with the password alone until they set it up again. Application passwords stay."
        case .endSessions: "The person is signed out in every browser. Tokens keep working."
        case .confirm, .activate, .unblock: ""
        }
    }

    func confirmAction(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws
        -> HTTPResponse
    {
        guard let action = form["action"].flatMap(AdminAction.init(rawValue:)) else { throw PageRefusal.unknownAction }
        guard let id = form["id"].flatMap({ Int64($0) }), let target = try admin.account(id: id) else {
            throw PageRefusal.noSuchAccount
        }
        return view.page(AdminConfirmView(
            title: Self.buttonLabel(action) + "?", heading: Self.buttonLabel(action) + ": " + target.email + "?",
            text: Self.consequence(action), action: "/admin/account/action", button: Self.buttonLabel(action),
            cancel: "/admin/account?id=\(target.id)",
            fields: [.init(name: "id", value: String(target.id)), .init(name: "action", value: action.rawValue),
                     .init(name: "confirmed", value: "1")]), user: user)
    }

    func perform(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws
        -> HTTPResponse
    {
        guard let action = form["action"].flatMap(AdminAction.init(rawValue:)) else { throw PageRefusal.unknownAction }
        guard let id = form["id"].flatMap({ Int64($0) }) else { throw PageRefusal.noSuchAccount }
        // A destructive act needs the POST from its confirmation page.
        if action.isDestructive && form["confirmed"] != "1" {
            return .redirect("/admin/account/action?id=\(id)&action=\(action.rawValue)")
        }
        if id == user.account.id && action == .deactivate {
            throw PageRefusal.notOwnAccount(id: id)
        }
        guard try admin.perform(action, accountID: id, admin: user.account, client: user.client) else {
            throw PageRefusal.noSuchAccount
        }
        logger.notice("administrator action", metadata: [
            "admin.id": "\(user.account.id)", "target.id": "\(id)", "action": "\(action.rawValue)",
        ])
        return .redirect("/admin/account?id=\(id)&done=\(action.rawValue)")
    }

}
