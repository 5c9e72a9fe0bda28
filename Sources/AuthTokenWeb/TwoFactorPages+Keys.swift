import AuthTokenCore
import AuthTokenStore

/// Security keys and passkeys on `/twofactor`: add (the password, then the key's ceremony
/// run by `/static/passkey.js`, posted back as a form), rename, remove. Removing the
/// account's last second factor asks for the password, as turning two-factor off does.
extension TwoFactorPages {
    /// POST `/twofactor/key/start`: the name and the current password; then the page that
    /// runs `navigator.credentials.create` with a fresh challenge.
    func startKey(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        try requireKeys()
        guard let name = PasskeyService.validName(form["name"] ?? "") else {
            return try keyRefused(user, .invalidName, name: form["name"])
        }
        switch try passkeys.startRegistration(account: user.account, password: form["password"] ?? "", client: user.client) {
        case .failure(let refusal):
            return try keyRefused(user, refusal, name: name)
        case .success(let options):
            return view.page(KeyRegistrationView(
                name: name, challenge: options.challenge, rpID: options.rpID, userID: options.userHandle,
                userName: user.account.email, exclude: options.credentialIDs.joined(separator: ",")), user: user)
        }
    }

    /// POST `/twofactor/key/finish`: the browser's answer; the key is stored, and a first
    /// second factor gets recovery codes, shown once.
    func finishKey(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        try requireKeys()
        guard let clientData = form["clientDataJSON"].flatMap(PasskeyService.decode), !clientData.isEmpty,
              let attestation = form["attestationObject"].flatMap(PasskeyService.decode), !attestation.isEmpty
        else {
            logger.notice("security key refused", metadata: ["account.id": "\(user.account.id)", "reason": "no answer"])
            var page = try pageView(user)
            page.error = "The security key was not added: the browser sent no complete answer."
            page.keyNameValue = form["name"]
            return view.page(page, user: user, status: 400)
        }
        let record: PasskeyRecord
        do {
            record = try passkeys.finishRegistration(
                account: user.account, name: form["name"] ?? "", clientDataJSON: clientData, attestationObject: attestation,
                client: user.client)
        } catch let refusal as PasskeyRefusal {
            return try keyRefused(user, refusal, name: form["name"])
        }
        logger.info("security key added", metadata: ["account.id": "\(user.account.id)", "passkey.id": "\(record.id)"])
        if let codes = try twoFactor.issueRecoveryCodes(accountID: user.account.id) {
            return view.page(RecoveryCodesView(codes: codes.map { .init(code: $0) }, keyName: record.name), user: user)
        }
        return .redirect("/twofactor?done=key-added")
    }

    /// POST `/twofactor/key/rename`.
    func renameKey(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        try requireKeys()
        guard let id = form["id"].flatMap(Int64.init) else { throw PageRefusal.noSuchKey }
        let renamed: Bool
        do {
            renamed = try passkeys.rename(id: id, accountID: user.account.id, name: form["name"] ?? "")
        } catch let refusal as PasskeyRefusal {
            return try keyRefused(user, refusal, name: nil)
        }
        guard renamed else { throw PageRefusal.noSuchKey }
        return .redirect("/twofactor?done=key-renamed")
    }

    /// POST `/twofactor/key/remove`: at once, unless it is the last second factor; then a
    /// page asks for the password, and with it two-factor goes off (recovery codes too).
    func removeKey(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        try requireKeys()
        let accountID = user.account.id
        guard let id = form["id"].flatMap(Int64.init),
              let key = try passkeys.list(accountID: accountID).first(where: { $0.id == id })
        else { throw PageRefusal.noSuchKey }
        guard try passkeys.isLastSecondFactor(accountID: accountID) else {
            guard try passkeys.remove(id: id, accountID: accountID, client: user.client) else { throw PageRefusal.noSuchKey }
            logger.info("security key removed", metadata: ["account.id": "\(accountID)", "passkey.id": "\(id)"])
            return .redirect("/twofactor?done=key-removed")
        }
        guard let password = form["password"] else {
            return view.page(KeyRemovalView(id: String(id), name: key.name), user: user)
        }
        switch try passkeys.removeLast(id: id, account: user.account, password: password, client: user.client) {
        case .failure(let refusal):
            logger.notice("security key removal refused", metadata: ["account.id": "\(accountID)"])
            return view.page(KeyRemovalView(
                id: String(id), name: key.name,
                error: refusal == .blocked ? RefusalText.blocked : "Your current password was wrong. The key was not removed."),
                user: user, status: refusal == .blocked ? 429 : 400)
        case .success(false):
            throw PageRefusal.noSuchKey
        case .success(true):
            logger.info("last security key removed: two-factor off", metadata: ["account.id": "\(accountID)"])
            return .redirect("/twofactor?done=off")
        }
    }

    func requireKeys() throws {
        guard hasSecretKey else { throw PageRefusal.noSecretKey }
        guard maxKeys != nil else { throw PageRefusal.keysUnavailable }
    }

    /// The two-factor page again with the refusal's words; nothing was changed.
    func keyRefused(_ user: SignedIn, _ refusal: PasskeyRefusal, name: String?) throws -> HTTPResponse {
        logger.notice("security key refused", metadata: ["account.id": "\(user.account.id)", "reason": "\(refusal)"])
        var page = try pageView(user)
        page.keyNameValue = name
        var status = 400
        switch refusal {
        case .blocked:
            page.error = RefusalText.blocked
            status = 429
        case .limitReached(let limit):
            page.error = "You have \(limit) security keys, the most allowed. Remove one you no longer use first."
            status = 409
        case .wrongPassword:
            page.error = "Your current password was wrong. No key was added."
        case .alreadyRegistered:
            page.error = "This security key is registered already."
            status = 409
        case .invalidName:
            page.error = "Give the key a name of 1 to 100 characters, without control characters."
        case .unavailable:
            throw PageRefusal.keysUnavailable
        case .unknownKey, .verification:
            page.error = "The security key was not added: \(refusal.description)."
        }
        return view.page(page, user: user, status: status)
    }
}
