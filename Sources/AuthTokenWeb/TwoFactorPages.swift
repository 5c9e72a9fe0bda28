import AuthTokenCore
import Logging

/// `/twofactor`: turning TOTP on (a secret shown with its QR code until a code confirms it,
/// then the recovery codes once) and off. Without `AUTHTOKEN_SECRET_KEY` every page says it
/// is unavailable (`PageRefusal.noSecretKey`).
struct TwoFactorPages {
    let twoFactor: TwoFactorService
    let activity: ActivityService
    let hasSecretKey: Bool
    let view: PageRenderer
    let logger: Logger

    init(_ kit: PageKit) {
        twoFactor = kit.auth.twoFactor
        activity = kit.auth.activity
        hasSecretKey = kit.auth.settings.secretBox != nil
        view = kit.view
        logger = kit.logger
    }

    /// `/twofactor`: whether it is on, and the way to turn it on or off.
    func page(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        guard hasSecretKey else { throw PageRefusal.noSecretKey }
        var page = TwoFactorView()
        if try twoFactor.hasTwoFactor(accountID: user.account.id) {
            page.enabled = true
            page.codesLeft = String(try twoFactor.recoveryCodesLeft(accountID: user.account.id))
        }
        if form["done"] == "off" { page.notice = "Two-factor sign-in is off." }
        return view.page(page, user: user)
    }

    /// POST `/twofactor/setup`: a new secret, shown with its QR code until a code confirms it.
    func start(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        guard hasSecretKey else { throw PageRefusal.noSecretKey }
        guard let setup = try twoFactor.startTwoFactorSetup(account: user.account) else { return .redirect("/twofactor") }
        return setupPage(setup, user, error: nil)
    }

    /// POST `/twofactor/confirm`: the password and a current code turn it on and end the
    /// account's other sessions; the recovery codes are shown once. When the set-up was
    /// started again meanwhile (another window, or another session), nothing is turned on
    /// and the newer secret is not shown here: the person starts again.
    func confirm(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        guard hasSecretKey else { throw PageRefusal.noSecretKey }
        let seen = form["setup"]  // the set-up this page showed (a form without it: whichever is pending)
        let result = try twoFactor.confirmTwoFactorSetup(
            account: user.account, keepSession: user.session.digest, setupID: seen,
            password: form["password"] ?? "", code: form["code"] ?? "", client: user.client)
        if case .success(let codes) = result {
            logger.info("two-factor turned on", metadata: ["account.id": "\(user.account.id)"])
            try activity.record(
                .twoFactorOn, accountID: user.account.id, client: user.client, detail: "other sessions ended")
            return view.page(RecoveryCodesView(codes: codes.map { .init(code: $0) }), user: user)
        }
        guard let setup = try twoFactor.pendingTwoFactorSetup(account: user.account) else { return .redirect("/twofactor") }
        if result == .failure(.expired) || (seen != nil && seen != setup.id) {
            logger.notice("two-factor confirmation refused: the set-up changed",
                          metadata: ["account.id": "\(user.account.id)"])
            return view.page(TwoFactorView(
                error: "The set-up was started again elsewhere (another window or session) before you "
                    + "confirmed it, so nothing was turned on. If that was not you, change your password. "
                    + "Then set it up again."), user: user, status: 409)
        }
        logger.notice("two-factor confirmation refused", metadata: ["account.id": "\(user.account.id)"])
        return setupPage(setup, user, error: result == .failure(.blocked)
            ? RefusalText.blocked : "The password or the code was wrong. Enter your password and the code the app shows now.")
    }

    /// POST `/twofactor/disable`: the password and a current (or recovery) code.
    func disable(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        guard hasSecretKey else { throw PageRefusal.noSecretKey }
        let result = try twoFactor.disableTwoFactor(
            account: user.account, password: form["password"] ?? "", code: form["code"] ?? "", client: user.client)
        if case .failure(let refusal) = result {
            logger.notice("two-factor turn-off refused", metadata: ["account.id": "\(user.account.id)"])
            return view.page(TwoFactorView(
                enabled: true, codesLeft: String(try twoFactor.recoveryCodesLeft(accountID: user.account.id)),
                error: refusal == .blocked
                    ? RefusalText.blocked : "The password or the code was wrong. Two-factor sign-in is still on."),
                user: user, status: refusal == .blocked ? 429 : 400)
        }
        logger.info("two-factor turned off", metadata: ["account.id": "\(user.account.id)"])
        try activity.record(.twoFactorOff, accountID: user.account.id, client: user.client)
        return .redirect("/twofactor?done=off")
    }

    func setupPage(_ setup: TwoFactorSetup, _ user: SignedIn, error: String?) -> HTTPResponse {
        let page = TwoFactorSetupView(
            secret: setup.secret, groupedSecret: RandomCode.grouped(setup.secret), uri: setup.uri, setup: setup.id,
            qr: QRCode(setup.uri)?.view, error: error)
        return view.page(page, user: user, status: error == nil ? 200 : 400)
    }
}
