import AuthTokenCore
import Logging

/// Registration (when `AUTHTOKEN_REGISTRATION=on`) and the confirmation link.
///
/// The link in the e-mail opens a page with a button rather than confirming on GET: GET
/// changes nothing here, and mail scanners that open links cannot use one up.
struct RegistrationPages {
    let accounts: AccountService
    let view: PageRenderer
    let logger: Logger

    init(_ kit: PageKit) {
        accounts = kit.auth.accounts
        view = kit.view
        logger = kit.logger
    }

    var browser: BrowserSettings { view.browser }

    func form(_ request: HTTPRequest, _ form: FormData) throws -> HTTPResponse {
        view.preSessionPage(RegisterView(), request)
    }

    func register(_ request: HTTPRequest, _ form: FormData) throws -> HTTPResponse {
        let email = (form["email"] ?? "").trimmingCharacters(in: " ")
        var page = RegisterView(emailValue: email, nameValue: form["name"] ?? "")
        guard view.hasPreSessionToken(request, form) else {
            page.error = "The form had expired. Please try again."
            return view.preSessionPage(page, request, status: 403)
        }
        guard let base = browser.publicURL else { throw PageRefusal.noMailLinks }
        guard let password = form["password"], password == form["password2"] else {
            page.error = "The two passwords differ."
            return view.preSessionPage(page, request)
        }
        let registration: Registration
        do {
            registration = try accounts.register(email: email, displayName: form["name"], password: password)
        } catch let error as AccountError {
            page.error = "That did not work: \(error)."
            return view.preSessionPage(page, request)
        }
        // The same page in every case: the form must not tell strangers which addresses have
        // accounts. The mail tells the address's owner which case it was.
        guard let mail = Self.mail(registration, base) else {
            WebApp.countMail("registration", "limited")
            logger.notice("registration mail not sent: the address had its registration mails for this hour")
            return view.page(RegisteredView(emailValue: email), user: nil)
        }
        let sent = browser.mailer.send(to: mail.to, subject: mail.subject, text: mail.text, link: mail.link, logger: logger)
        WebApp.countMail("registration", sent ? "sent" : "failed")
        guard sent else { throw PageRefusal.mailNotSent }
        logger.info("registration mail sent")
        return view.page(RegisteredView(emailValue: email), user: nil)
    }

    /// The mail a registration sends, or nil when the address had its mails for this hour.
    static func mail(_ registration: Registration, _ base: String)
        -> (to: String, subject: String, text: String, link: String?)?
    {
        switch registration {
        case .confirmationLink(let secret, let address):
            let link = base + "/confirm?token=" + secret.value
            return (address.value, "Confirm your authtoken account", """
                Someone, hopefully you, created an authtoken account for this address.
                Open this link within 24 hours to confirm it:

                \(link)

                If it was not you, ignore this message: the account stays unusable.
                The link confirms the password chosen at this registration only; if the address
                was registered more than once, use the link of the registration you made.

                """, link)
        case .alreadyRegistered(let address):
            return (address.value, "Someone tried to register with your address", """
                Someone tried to create an authtoken account for this address, which already
                has one. Nothing was changed, and nobody can use your account through this.

                If it was you, sign in with your password instead: \(base)/signin
                If it was not, you need not do anything.

                """, nil)
        case .tooManyMails:
            return nil
        }
    }

    func confirmForm(_ request: HTTPRequest, _ form: FormData) throws -> HTTPResponse {
        view.preSessionPage(ConfirmView(token: form["token"] ?? ""), request)
    }

    func confirm(_ request: HTTPRequest, _ form: FormData) throws -> HTTPResponse {
        guard view.hasPreSessionToken(request, form) else {
            let page = ConfirmView(token: form["token"] ?? "", error: "The form had expired. Please press the button again.")
            return view.preSessionPage(page, request, status: 403)
        }
        guard try accounts.confirm(secret: form["token"] ?? "") else { throw PageRefusal.deadConfirmationLink }
        logger.info("account confirmed through its link")
        return .redirect("/signin?confirmed=1")
    }
}
