import AuthTokenCore
import AuthTokenStore
import Foundation
import Logging

/// `/app-passwords`: list, generate (shown once) and revoke application-specific passwords.
struct AppPasswordPages {
    let appPasswords: AppPasswordService
    let twoFactor: TwoFactorService
    let activity: ActivityService
    let view: PageRenderer
    let logger: Logger

    init(_ kit: PageKit) {
        appPasswords = kit.auth.appPasswords
        twoFactor = kit.auth.twoFactor
        activity = kit.auth.activity
        view = kit.view
        logger = kit.logger
    }

    func list(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        var page = try listView(user)
        if form["done"] == "revoked" { page.notice = "The application password was revoked." }
        return view.page(page, user: user)
    }

    func create(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        let result = try appPasswords.createAppPassword(
            account: user.account, name: form["name"] ?? "", currentPassword: form["password"] ?? "", client: user.client)
        guard case .success(let (password, record)) = result else {
            logger.notice("application password refused", metadata: ["account.id": "\(user.account.id)"])
            var page = try listView(user)
            var status = 400
            switch result {
            case .failure(.blocked):
                page.error = RefusalText.blocked
                status = 429
            case .failure(.limitReached(let limit)):
                page.error = "You have \(limit) application passwords, the most allowed. Revoke one you no longer use first."
            case .failure(.wrongPassword):
                page.error = "Your current password was wrong."
            default:
                page.error = "Give a name of at most 100 characters and your current password."
            }
            page.nameValue = form["name"] ?? ""
            return view.page(page, user: user, status: status)
        }
        logger.info("application password created", metadata: ["app_password.id": "\(record.id)"])
        try activity.record(.appPasswordCreated, accountID: user.account.id, client: user.client,
                            detail: "#\(record.id) “\(record.name)”")
        return view.page(AppPasswordCreatedView(name: record.name, password: password), user: user)
    }

    func revoke(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        guard let id = form["id"].flatMap(Int64.init), try appPasswords.revokeAppPassword(id: id, accountID: user.account.id)
        else { throw PageRefusal.noSuchAppPassword }
        logger.info("application password revoked", metadata: ["app_password.id": "\(id)"])
        try activity.record(.appPasswordRevoked, accountID: user.account.id, client: user.client, detail: "#\(id)")
        return .redirect("/app-passwords?done=revoked")
    }

    func listView(_ user: SignedIn) throws -> AppPasswordsView {
        let list = try appPasswords.list(accountID: user.account.id)
        return AppPasswordsView(
            hasPasswords: !list.isEmpty, twoFactorOn: try twoFactor.hasTwoFactor(accountID: user.account.id),
            passwords: list.map { record in
                CredentialRow(id: record.id, name: record.name, createdAt: record.createdAt, lastUsedAt: record.lastUsedAt)
            })
    }
}
