import AuthTokenCore
import Foundation

/// "Forgot your password?": `/forgot` asks for the address and answers the same page
/// whether or not it has an account; `/reset?token=` sets a new password (with a
/// two-factor code when two-factor is on). The link works once, for an hour; every session
/// ends. The mail is sent after the answer is decided, on its own thread, so the answer's
/// timing does not tell whether a mail went out.
extension WebApp {
    func forgotForm(_ request: HTTPRequest, _ browser: BrowserSettings) -> HTTPResponse {
        preSessionPage("forgot", request, browser, ["title": "Reset your password"])
    }

    func forgot(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings) -> HTTPResponse {
        let email = form["email"] ?? ""
        var values: [String: Any] = ["title": "Reset your password", "emailValue": email]
        guard hasPreSessionToken(request, form, browser) else {
            values["error"] = "The form had expired. Please try again."
            return preSessionPage("forgot", request, browser, status: 403, values)
        }
        guard let base = browser.publicURL else { return noMailLinksPage(browser) }
        do {
            switch try auth.requestPasswordReset(
                email: email, client: request.client, deviceCookie: deviceCookie(request, browser)) {
            case .invalidEmail(let reason):
                values["error"] = "That is not an e-mail address: \(reason)."
                return preSessionPage("forgot", request, browser, status: 400, values)
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
        } catch {
            return failure(error, browser)
        }
        return page("message", browser, user: nil, [
            "title": "Check your e-mail",
            "text": "If an account has this address, a link to choose a new password is on its way. It works once, "
                + "within an hour.",
        ])
    }

    func resetForm(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings) -> HTTPResponse {
        do {
            let token = form["token"] ?? ""
            guard let needsCode = try auth.passwordResetNeedsCode(secret: token) else {
                return page("message", browser, user: nil, status: 400, ["title": "This link does not work",
                    "text": Self.message(PasswordRefusal.expired)])
            }
            return preSessionPage("reset", request, browser, ["title": "Choose a new password", "token": token,
                                                               "needsCode": needsCode])
        } catch {
            return failure(error, browser)
        }
    }

    func reset(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings) -> HTTPResponse {
        let token = form["token"] ?? ""
        do {
            var values: [String: Any] = ["title": "Choose a new password", "token": token,
                                         "needsCode": try auth.passwordResetNeedsCode(secret: token) ?? false]
            guard hasPreSessionToken(request, form, browser) else {
                values["error"] = "The form had expired. Please try again."
                return preSessionPage("reset", request, browser, status: 403, values)
            }
            let new = form["new"] ?? ""
            guard new == form["new2"] else {
                values["error"] = "The two new passwords differ."
                return preSessionPage("reset", request, browser, status: 400, values)
            }
            switch try auth.resetPassword(secret: token, new: new, code: form["code"] ?? "", client: request.client) {
            case .success(let account):
                logger.info("password reset with a link")
                mailPasswordChanged(account, from: request.client, ended: "every signed-in session", browser)
                return .redirect("/signin?reset=1")
            case .failure(.expired):
                return page("message", browser, user: nil, status: 400, ["title": "This link does not work",
                    "text": Self.message(PasswordRefusal.expired)])
            case .failure(let refusal):
                values["error"] = Self.message(refusal)
                return preSessionPage("reset", request, browser, status: refusal == .blocked ? 429 : 400, values)
            }
        } catch {
            return failure(error, browser)
        }
    }
}
