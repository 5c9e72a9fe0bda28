import AuthTokenCore
import Foundation

/// The one error mapping: every error a handler throws ends here, turned into one answer
/// in the route's own format. A page: its refusal page (`PageRefusal`), 503 with
/// `Retry-After` for a full password queue (nothing went wrong; try again shortly), else a
/// logged 500. API mode: `CAUSE=API_REQUEST_BLOCKED` for a full password queue (no
/// password was checked), else `CAUSE=REMOTE_SERVER_ERROR`, which clients already
/// understand. JSON: a JSON 500.
extension WebApp {
    func failure(_ error: any Error, _ browser: BrowserSettings, user: SignedIn?) -> HTTPResponse {
        let view = PageRenderer(browser: browser)
        if let refusal = error as? PageRefusal {
            if refusal == .noSecretKey { logger.error("two-factor is unavailable: AUTHTOKEN_SECRET_KEY is not configured") }
            let message = refusal.message
            return view.page(MessageView(title: message.title, text: message.text, link: message.link?.href,
                                         linkText: message.link?.text), user: user, status: refusal.status)
        }
        if let busy = error as? PasswordWorkBusy {
            logger.notice("password work refused", metadata: ["reason": "\(busy.reason.rawValue)"])
            return view.page(MessageView(
                title: "Too busy right now",
                text: "The server is checking many passwords at the moment. Nothing was changed; "
                    + "please try again in a few seconds."), user: nil, status: 503).adding("Retry-After", String(Self.busyRetrySeconds))
        }
        logger.error("browser request failed", metadata: ["error": "\(error)"])
        Self.storeErrors.increment()
        return view.page(MessageView(
            title: "Something went wrong", text: "The server could not finish this request. Please try again in a moment."),
            user: nil, status: 500)
    }

    /// What `Retry-After` says when the password queue is full.
    static let busyRetrySeconds = 5

    func legacyFailure(_ error: any Error, metric: String) -> LegacyAnswer {
        if let busy = error as? PasswordWorkBusy {
            logger.notice("token refused", metadata: ["cause": "\(LegacyCause.blocked.rawValue)", "reason": "\(busy.reason.rawValue)"])
            return .cause(.blocked)
        }
        logger.error("API mode request failed", metadata: ["route": "\(metric)", "error": "\(error)"])
        Self.storeErrors.increment()
        return .cause(.serverError)
    }

    func jsonFailure(_ error: any Error, metric: String) -> HTTPResponse {
        logger.error("API mode request failed", metadata: ["route": "\(metric)", "error": "\(error)"])
        Self.storeErrors.increment()
        return APIMode.json(500, ["error": "The server failed."])
    }
}
