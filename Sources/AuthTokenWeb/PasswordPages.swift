import AuthTokenCore
import AuthTokenStore
import Foundation
import Logging

/// `/password`: a signed-in person changes their password. Every other session ends; the
/// owner gets a mail saying so (a reset by link sends the same); tokens and application
/// passwords keep working. Forgotten passwords are in `PasswordPages+Reset.swift`.
struct PasswordPages {
    let accounts: AccountService
    let view: PageRenderer
    let logger: Logger

    init(_ kit: PageKit) {
        accounts = kit.auth.accounts
        view = kit.view
        logger = kit.logger
    }

    var browser: BrowserSettings { view.browser }

    func page(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        var page = PasswordView()
        if user.account.origin == .directory { page.directory = true }
        if form["done"] != nil { page.notice = "Your password was changed. Your other sessions were signed out." }
        return view.page(page, user: user)
    }

    func change(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        let new = form["new"] ?? ""
        var refusal: PasswordRefusal?
        if new != form["new2"] {
            refusal = .rejected(.weakPassword)
        } else if case .failure(let why) = try accounts.changePassword(
            session: user.session, current: form["current"] ?? "", new: new, client: user.client)
        {
            refusal = why
        }
        if let refusal {
            let message = new != form["new2"] ? "The two new passwords differ." : RefusalText.password(refusal)
            logger.notice("password change refused", metadata: ["account.id": "\(user.account.id)"])
            return view.page(PasswordView(error: message), user: user, status: refusal == .blocked ? 429 : 400)
        }
        logger.info("password changed", metadata: ["account.id": "\(user.account.id)"])
        mailPasswordChanged(user.account, from: user.client, ended: "every other signed-in session", browser)
        return .redirect("/password?done=1")
    }

    /// Tells the owner their password was changed (on the password page or with a reset
    /// link): from where, that `ended` sessions were ended, that tokens keep working. No link
    /// with a secret.
    func mailPasswordChanged(_ account: Account, from client: Client, ended: String, _ browser: BrowserSettings) {
        guard let to = try? EmailAddress(parsing: account.email) else { return }
        let reset = browser.publicURL.map { " now: \($0)/forgot" } ?? " at once"
        _ = browser.mailer.send(
            to: to.value, subject: "Your authtoken password was changed", text: """
                The password of your authtoken account was changed, from \(client.address), and \
                \(ended) was ended. Your tokens keep working.

                If this was not you, reset your password\(reset)
                and tell an administrator.

                """, link: nil, logger: logger)
    }
}
