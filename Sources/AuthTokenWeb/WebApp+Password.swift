import AuthTokenCore
import AuthTokenStore
import Foundation

/// `/password`: a signed-in person changes their password. Every other session ends; the
/// owner gets a mail saying so (a reset by link sends the same); tokens and application
/// passwords keep working.
extension WebApp {
    func passwordPage(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn) throws -> HTTPResponse {
        var values: [String: Any] = ["title": "Change your password"]
        if form["done"] != nil { values["notice"] = "Your password was changed. Your other sessions were signed out." }
        return page("password", browser, user: user, values)
    }

    func changePassword(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn) throws -> HTTPResponse {
        let new = form["new"] ?? ""
        var refusal: PasswordRefusal?
        if new != form["new2"] {
            refusal = .rejected(.weakPassword)
        } else if case .failure(let why) = try auth.changePassword(
            session: user.session, current: form["current"] ?? "", new: new, client: user.client)
        {
            refusal = why
        }
        if let refusal {
            let message = new != form["new2"] ? "The two new passwords differ." : Self.message(refusal)
            logger.notice("password change refused", metadata: ["account.id": "\(user.account.id)"])
            return page("password", browser, user: user, status: refusal == .blocked ? 429 : 400,
                        ["title": "Change your password", "error": message])
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

    static func message(_ refusal: PasswordRefusal) -> String {
        switch refusal {
        case .wrongPassword: "Your current password was wrong."
        case .expired: "This reset link does not work: it is wrong, was used already, or is older than an hour. Ask for a new one."
        case .wrongCode: "The two-factor code was wrong. Enter the code your app shows now, or a recovery code."
        case .blocked: blockedMessage
        case .rejected(let rule): "That password cannot be used: \(rule)."
        }
    }
}
