import AuthTokenCore
import AuthTokenStore
import Foundation
import Logging

/// `/admin/accounts` (search, filters, paging), `/admin/account?id=` (one account and what
/// it holds) and `/admin/account/action` (confirm, deactivate/activate, reset two-factor,
/// unblock, end all sessions; the destructive ones asked about first on a GET page).
struct AdminAccountPages {
    let admin: AdminService
    let view: PageRenderer
    let logger: Logger
    let now: @Sendable () -> Date

    init(_ kit: PageKit) {
        admin = kit.auth.admin
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
        var values = paging.values
        values["title"] = "Accounts"
        values["search"] = search
        for flag in flags { values[flag] = true }
        values["hasRows"] = !rows.isEmpty
        values["accounts"] = rows.map { row -> [String: Any] in
            [
                "id": String(row.account.id), "email": row.account.email, "name": row.account.displayName,
                "confirmed": row.account.confirmed, "active": row.account.active, "admin": row.account.admin,
                "twoFactor": row.twoFactor, "blocked": row.blockedUntil != nil, "tokens": String(row.tokenCount),
                "created": PageDate.string(from: row.account.createdAt),
            ]
        }
        return view.page("admin-accounts", user: user, values)
    }

    func account(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws
        -> HTTPResponse
    {
        guard let id = form["id"].flatMap({ Int64($0) }), let found = try admin.adminAccount(id: id) else {
            throw PageRefusal.noSuchAccount
        }
        let account = found.account
        var values: [String: Any] = [
            "title": account.email, "id": String(account.id), "accountID": String(account.id),
            "ownerQuery": FormData.encode(account.email), "accountEmail": account.email, "name": account.displayName,
            "confirmed": account.confirmed, "active": account.active, "admin": account.admin,
            "twoFactor": found.twoFactor, "created": PageDate.string(from: account.createdAt),
            "blockedUntil": found.blockedUntil.map(PageDate.string(from:)) ?? false,
            "tokens": found.tokens.map { token -> [String: Any] in Self.tokenValues(token) },
            "hasTokens": !found.tokens.isEmpty,
            "appPasswords": found.appPasswords.map { password -> [String: Any] in
                [
                    "id": String(password.id), "name": password.name, "created": PageDate.string(from: password.createdAt),
                    "lastUsed": password.lastUsedAt.map(PageDate.string(from:)) ?? "never",
                ]
            },
            "hasAppPasswords": !found.appPasswords.isEmpty,
            "sessions": found.sessions.map { session -> [String: Any] in
                [
                    "browser": session.userAgent.isEmpty ? "Unknown browser" : SessionService.browserName(session.userAgent),
                    "address": session.address.isEmpty ? "—" : session.address,
                    "started": PageDate.string(from: session.createdAt), "lastSeen": PageDate.string(from: session.lastSeenAt),
                ]
            },
            "hasSessions": !found.sessions.isEmpty,
            "activity": found.activity.map(Self.activityValues),
            "hasActivity": !found.activity.isEmpty,
            "actions": availableActions(found).map { action -> [String: Any] in
                ["action": action.rawValue, "label": Self.buttonLabel(action), "destructive": action.isDestructive]
            },
        ]
        switch form["done"] {
        case let done? where AdminAction(rawValue: done) != nil:
            values["notice"] = "Done: " + AdminAction(rawValue: done)!.label + "."
        case "revoked": values["notice"] = "The token was revoked."
        case "revoked-app-password": values["notice"] = "The application password was revoked."
        default: break
        }
        return view.page("admin-account", user: user, values)
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
        return view.page("admin-confirm", user: user, [
            "title": Self.buttonLabel(action) + "?", "heading": Self.buttonLabel(action) + ": " + target.email + "?",
            "text": Self.consequence(action), "action": "/admin/account/action", "button": Self.buttonLabel(action),
            "cancel": "/admin/account?id=\(target.id)",
            "fields": [["name": "id", "value": String(target.id)], ["name": "action", "value": action.rawValue],
                       ["name": "confirmed", "value": "1"]],
        ])
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



    static func activityValues(_ record: ActivityRecord) -> [String: Any] {
        let entry = record.entry
        return [
            "kind": entry.kind.rawValue, "label": entry.kind.label, "detail": entry.detail,
            "at": PageDate.string(from: entry.at), "atISO": PageDate.iso(entry.at),
            "address": entry.address.isEmpty ? "—" : entry.address, "userAgent": entry.userAgent,
            "accountID": entry.accountID.map { String($0) as Any } ?? false,
        ]
    }

    static func tokenValues(_ token: TokenRecord) -> [String: Any] {
        [
            "id": String(token.id), "name": token.displayName, "scopes": token.scopes.joined(separator: ", "),
            "hint": token.hint, "created": PageDate.string(from: token.createdAt),
            "lastUsed": token.lastUsedAt.map(PageDate.string(from:)) ?? "never", "lastUsedFrom": token.lastUsedFrom ?? "",
            "wasUsed": token.lastUsedAt != nil,
            "appPasswordID": token.appPasswordID.map { String($0) } ?? "",
        ]
    }
}
