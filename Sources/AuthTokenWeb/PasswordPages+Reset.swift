import AuthTokenCore
import Foundation

/// "Forgot your password?": `/forgot` asks for the address and answers the same page
/// whether or not it has an account; `/reset?token=` sets a new password (with a
/// two-factor code when two-factor is on). The link works once, for an hour; every session
/// ends. The mail is sent after the answer is decided, on its own thread, so the answer's
/// timing does not tell whether a mail went out.
extension PasswordPages {
    func forgotForm(_ request: HTTPRequest, _ form: FormData) throws -> HTTPResponse {
        view.preSessionPage(ForgotView(), request)
    }

    func forgot(_ request: HTTPRequest, _ form: FormData) throws -> HTTPResponse {
        let email = form["email"] ?? ""
        var page = ForgotView(emailValue: email)
        guard view.hasPreSessionToken(request, form) else {
            page.error = "The form had expired. Please try again."
            return view.preSessionPage(page, request, status: 403)
        }
        guard let base = browser.publicURL else { throw PageRefusal.noMailLinks }
        switch try accounts.requestPasswordReset(
            email: email, client: request.client, deviceCookie: browser.cookie(.device, in: request)) {
        case .invalidEmail(let reason):
            page.error = "That is not an e-mail address: \(reason)."
            return view.preSessionPage(page, request, status: 400)
        case .mail(let to, let secret):
            let link = base + "/reset?token=" + secret.value
            let text = """
                Someone, hopefully you, asked to reset the password of your authtoken account.
                Open this link within an hour to choose a new one:

                \(link)

                If it was not you, ignore this message: your password stays as it is.

                """
            let mailer = browser.mailer, logger = self.logger
            Thread.detachNewThread {
                _ = mailer.send(to: to.value, subject: "Reset your authtoken password", text: text, link: link, logger: logger)
            }
        case .nothing:
            break
        }
        return view.page(MessageView(
            title: "Check your e-mail",
            text: "If an account has this address, a link to choose a new password is on its way. It works once, "
                + "within an hour."), user: nil)
    }

    func resetForm(_ request: HTTPRequest, _ form: FormData) throws -> HTTPResponse {
        let token = form["token"] ?? ""
        guard let needsCode = try accounts.passwordResetNeedsCode(secret: token) else { throw PageRefusal.deadResetLink }
        return view.preSessionPage(ResetView(token: token, needsCode: needsCode), request)
    }

    func reset(_ request: HTTPRequest, _ form: FormData) throws -> HTTPResponse {
        let token = form["token"] ?? ""
        var page = ResetView(token: token, needsCode: try accounts.passwordResetNeedsCode(secret: token) ?? false)
        guard view.hasPreSessionToken(request, form) else {
            page.error = "The form had expired. Please try again."
            return view.preSessionPage(page, request, status: 403)
        }
        let new = form["new"] ?? ""
        guard new == form["new2"] else {
            page.error = "The two new passwords differ."
            return view.preSessionPage(page, request, status: 400)
        }
        switch try accounts.resetPassword(secret: token, new: new, code: form["code"] ?? "", client: request.client) {
        case .success(let account):
            logger.info("password reset with a link")
            mailPasswordChanged(account, from: request.client, ended: "every signed-in session", browser)
            return .redirect("/signin?reset=1")
        case .failure(.expired):
            throw PageRefusal.deadResetLink
        case .failure(let refusal):
            page.error = RefusalText.password(refusal)
            return view.preSessionPage(page, request, status: refusal == .blocked ? 429 : 400)
        }
    }
}
