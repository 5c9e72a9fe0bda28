import AuthTokenCore
import Foundation

/// "Forgot your password?": `/forgot` asks for the address and answers the same page
/// whether or not it has an account; `/reset?token=` sets a new password (with a
/// two-factor code when two-factor is on). The link works once, for an hour; every session
/// ends. The mail is sent after the answer is decided, on its own thread, so the answer's
/// timing does not tell whether a mail went out.
extension PasswordPages {
    func forgotForm(_ request: HTTPRequest, _ form: FormData) throws -> HTTPResponse {
        view.preSessionPage("forgot", request, ["title": "Reset your password"])
    }

    func forgot(_ request: HTTPRequest, _ form: FormData) throws -> HTTPResponse {
        let email = form["email"] ?? ""
        var values: [String: Any] = ["title": "Reset your password", "emailValue": email]
        guard view.hasPreSessionToken(request, form) else {
            values["error"] = "The form had expired. Please try again."
            return view.preSessionPage("forgot", request, status: 403, values)
        }
        guard let base = browser.publicURL else { throw PageRefusal.noMailLinks }
        switch try accounts.requestPasswordReset(
            email: email, client: request.client, deviceCookie: browser.cookie(.device, in: request)) {
        case .invalidEmail(let reason):
            values["error"] = "That is not an e-mail address: \(reason)."
            return view.preSessionPage("forgot", request, status: 400, values)
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
        return view.page("message", user: nil, [
            "title": "Check your e-mail",
            "text": "If an account has this address, a link to choose a new password is on its way. It works once, "
                + "within an hour.",
        ])
    }

    func resetForm(_ request: HTTPRequest, _ form: FormData) throws -> HTTPResponse {
        let token = form["token"] ?? ""
        guard let needsCode = try accounts.passwordResetNeedsCode(secret: token) else { throw PageRefusal.deadResetLink }
        return view.preSessionPage("reset", request, ["title": "Choose a new password", "token": token, "needsCode": needsCode])
    }

    func reset(_ request: HTTPRequest, _ form: FormData) throws -> HTTPResponse {
        let token = form["token"] ?? ""
        var values: [String: Any] = ["title": "Choose a new password", "token": token,
                                     "needsCode": try accounts.passwordResetNeedsCode(secret: token) ?? false]
        guard view.hasPreSessionToken(request, form) else {
            values["error"] = "The form had expired. Please try again."
            return view.preSessionPage("reset", request, status: 403, values)
        }
        let new = form["new"] ?? ""
        guard new == form["new2"] else {
            values["error"] = "The two new passwords differ."
            return view.preSessionPage("reset", request, status: 400, values)
        }
        switch try accounts.resetPassword(secret: token, new: new, code: form["code"] ?? "", client: request.client) {
        case .success:
            logger.info("password reset with a link")
            return .redirect("/signin?reset=1")
        case .failure(.expired):
            throw PageRefusal.deadResetLink
        case .failure(let refusal):
            values["error"] = RefusalText.password(refusal)
            return view.preSessionPage("reset", request, status: refusal == .blocked ? 429 : 400, values)
        }
    }
}
