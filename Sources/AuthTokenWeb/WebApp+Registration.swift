import AuthTokenCore

/// Registration (when `AUTHTOKEN_REGISTRATION=on`) and the confirmation link.
///
/// The link in the e-mail opens a page with a button rather than confirming on GET: GET
/// changes nothing here, and mail scanners that open links cannot use one up.
extension WebApp {
    func registerForm(_ request: HTTPRequest, _ browser: BrowserSettings) -> HTTPResponse {
        preSessionPage("register", request, browser, ["title": "Create an account"])
    }

    func register(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings) -> HTTPResponse {
        let email = (form["email"] ?? "").trimmingCharacters(in: " ")
        var values: [String: Any] = ["title": "Create an account", "emailValue": email, "nameValue": form["name"] ?? ""]
        guard hasPreSessionToken(request, form, browser) else {
            values["error"] = "The form had expired. Please try again."
            return preSessionPage("register", request, browser, status: 403, values)
        }
        guard let base = browser.publicURL else { return noMailLinksPage(browser) }
        guard let password = form["password"], password == form["password2"] else {
            values["error"] = "The two passwords differ."
            return preSessionPage("register", request, browser, values)
        }
        let registration: Registration
        do {
            registration = try auth.accounts.register(email: email, displayName: form["name"], password: password)
        } catch let error as AccountError {
            values["error"] = "That did not work: \(error)."
            return preSessionPage("register", request, browser, values)
        } catch {
            return failure(error, browser)
        }
        // The same page in every case: the form must not tell strangers which addresses have
        // accounts. The mail tells the address's owner which case it was.
        guard let mail = registrationMail(registration, base) else {
            Self.countMail("registration", "limited")
            logger.notice("registration mail not sent: the address had its registration mails for this hour")
            return page("registered", browser, user: nil, ["title": "Check your e-mail", "emailValue": email])
        }
        let sent = browser.mailer.send(to: mail.to, subject: mail.subject, text: mail.text, link: mail.link, logger: logger)
        Self.countMail("registration", sent ? "sent" : "failed")
        guard sent else {
            return page("message", browser, user: nil, status: 500, [
                "title": "Could not send the e-mail",
                "text": "The confirmation e-mail could not be sent. Try again later, or ask an administrator.",
            ])
        }
        logger.info("registration mail sent")
        return page("registered", browser, user: nil, ["title": "Check your e-mail", "emailValue": email])
    }

    /// The mail a registration sends, or nil when the address had its mails for this hour.
    func registrationMail(_ registration: Registration, _ base: String)
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

    func confirmForm(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings) -> HTTPResponse {
        preSessionPage("confirm", request, browser, ["title": "Confirm your account", "token": form["token"] ?? ""])
    }

    func confirm(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings) -> HTTPResponse {
        guard hasPreSessionToken(request, form, browser) else {
            return preSessionPage("confirm", request, browser, status: 403, [
                "title": "Confirm your account", "token": form["token"] ?? "",
                "error": "The form had expired. Please press the button again.",
            ])
        }
        do {
            guard try auth.accounts.confirm(secret: form["token"] ?? "") else {
                return page("message", browser, user: nil, status: 400, [
                    "title": "This link does not work",
                    "text": "The confirmation link is wrong, was used already, or is older than 24 hours. "
                        + "Register again, or ask an administrator to confirm your account.",
                ])
            }
            logger.info("account confirmed through its link")
            return .redirect("/signin?confirmed=1")
        } catch {
            return failure(error, browser)
        }
    }

    /// This server as browsers reach it, for this page only (Developer Space): `AUTHTOKEN_PUBLIC_URL`,
    /// else the request's scheme, Host (reduced to host-name characters, so a forged Host cannot
    /// inject markup or a path) and, when the Host has none and it is not the scheme's default,
    /// the port. Never for mail: links in mail come from `BrowserSettings.publicURL` alone.
    func pageBaseURL(_ request: HTTPRequest, _ browser: BrowserSettings) -> String {
        if let url = browser.publicURL { return url }
        var host = request.headers["host"] ?? ""
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")
        if host.isEmpty || !host.allSatisfy(allowed.contains) { host = "localhost" }
        let hasPort = host.split(separator: "]").last?.contains(":") ?? false
        let defaultPort = request.scheme == "https" ? "443" : "80"
        if !hasPort, let port = Int(request.serverPort), String(port) != defaultPort { host += ":\(port)" }
        return "\(request.scheme)://\(host)"
    }

    /// The answer of `/register` and `/forgot` when `AUTHTOKEN_PUBLIC_URL` is not set: no
    /// mail with a link goes out (its link would have to come from the request), and the
    /// page says so, the same for every address.
    func noMailLinksPage(_ browser: BrowserSettings) -> HTTPResponse {
        page("message", browser, user: nil, status: 503, [
            "title": "Cannot send e-mail",
            "text": "This server cannot send e-mail with links yet: its administrator has not set AUTHTOKEN_PUBLIC_URL. "
                + "Ask an administrator.",
        ])
    }
}
