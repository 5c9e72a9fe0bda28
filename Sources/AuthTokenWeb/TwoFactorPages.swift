import AuthTokenCore
import Logging

/// `/twofactor`: turning TOTP on (a secret shown with its QR code until a code confirms it,
/// then the recovery codes once) and off, and the account's security keys
/// (`TwoFactorPages+Keys.swift`). Without `AUTHTOKEN_SECRET_KEY` every page says it is
/// unavailable (`PageRefusal.noSecretKey`).
struct TwoFactorPages {
    let twoFactor: TwoFactorService
    let passkeys: PasskeyService
    let activity: ActivityService
    let hasSecretKey: Bool
    /// The cap on keys; nil without `AUTHTOKEN_PUBLIC_URL` (no keys then).
    let maxKeys: Int?
    let view: PageRenderer
    let logger: Logger

    init(_ kit: PageKit) {
        twoFactor = kit.auth.twoFactor
        passkeys = kit.auth.passkeys
        activity = kit.auth.activity
        hasSecretKey = kit.auth.settings.secretBox != nil
        maxKeys = kit.auth.settings.passkeys?.maxPerAccount
        view = kit.view
        logger = kit.logger
    }

    static let notices = [
        "off": "Two-factor sign-in is off.",
        "key-added": "The security key was added.",
        "key-renamed": "The security key was renamed.",
        "key-removed": "The security key was removed.",
    ]

    /// `/twofactor`: whether it is on, the keys, and the ways to change them.
    func page(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        guard hasSecretKey else { throw PageRefusal.noSecretKey }
        var page = try pageView(user)
        page.notice = form["done"].flatMap { Self.notices[$0] }
        return view.page(page, user: user)
    }

    /// The page's model as the store has the account now.
    func pageView(_ user: SignedIn) throws -> TwoFactorView {
        let accountID = user.account.id
        var page = TwoFactorView()
        if try twoFactor.hasTwoFactor(accountID: accountID) {
            page.enabled = true
            page.codesLeft = String(try twoFactor.recoveryCodesLeft(accountID: accountID))
        }
        if try twoFactor.hasTOTP(accountID: accountID) { page.totp = true }
        if let maxKeys {
            page.keysAvailable = true
            page.maxKeys = String(maxKeys)
            page.keys = try passkeys.list(accountID: accountID).map { key in
                CredentialRow(id: key.id, name: key.name, createdAt: key.createdAt, lastUsedAt: key.lastUsedAt)
            }
            page.hasKeys = !page.keys.isEmpty
        }
        return page
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
            var page = try pageView(user)
            page.error = refusal == .blocked
                ? RefusalText.blocked : "The password or the code was wrong. Two-factor sign-in is still on."
            return view.page(page, user: user, status: refusal == .blocked ? 429 : 400)
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
