import AuthTokenStore

/// Why the first factor (e-mail and password) did not let someone in.
enum FirstFactorRefusal: Error {
    case invalidEmail(EmailAddress.Refusal), blocked, noSuchUser, wrongPassword, notActive, notConfirmed
}

/// The account an e-mail and password opened, and the application password that did it
/// (nil when it was the main password).
struct FirstFactor {
    let account: Account
    let appPassword: AppPasswordRecord?
}

extension AuthFeature {
    /// The application password a typed value names: by its look-up digest under the
    /// current key, else (during a key rotation) under the previous one, in which case the
    /// row gets the current digest. Only the look-up; the caller verifies the hash.
    func findAppPassword(_ typed: AppPasswordValue, _ accountID: Int64) throws -> AppPasswordRecord? {
        let digest = typed.lookupDigest(appPasswordKey)
        if let record = try store.appPassword(accountID: accountID, lookupDigest: digest) { return record }
        guard let previous = previousAppPasswordKey,
              let record = try store.appPassword(accountID: accountID, lookupDigest: typed.lookupDigest(previous))
        else { return nil }
        try store.setAppPasswordLookup(id: record.id, lookupDigest: digest)
        return record
    }

    /// The account's application password `typed` names (its shape, then its look-up), if any.
    private func namedAppPassword(_ typed: String, _ accountID: Int64) throws
        -> (typed: AppPasswordValue, record: AppPasswordRecord)?
    {
        guard let value = AppPasswordValue(typed), let record = try findAppPassword(value, accountID) else {
            return nil
        }
        return (value, record)
    }

    /// The checks the sign-in form and API mode share, in the order the contract fixes:
    /// blocked (before anything is hashed), unknown e-mail, password, and only after the
    /// password matched, deactivated and unconfirmed. Every attempt goes through the
    /// throttle; failures are logged as `"<channel>: <reason>"`, refusals while blocked are
    /// not (the block has its own entry).
    ///
    /// Exactly one Argon2 hash per attempt that reaches the throttle: with
    /// `acceptAppPasswords`, a value shaped like an application password is looked up by its
    /// keyed digest (a read, before the throttle), and only the one it names is verified,
    /// counted on the account's application-password budget; anything else is checked
    /// against the main password, counted on the account's; an e-mail no account has is
    /// checked against a decoy hash, so it costs what a wrong password costs and the timing
    /// tells nothing.
    ///
    /// `email` is what the person typed: it is parsed here (`EmailAddress`), once; one that
    /// is not an address is refused before the throttle, since it names no account.
    ///
    /// `deviceCookie`: the browser's device cookie, if any; valid for the account, it puts
    /// the attempt on that device's own budget (`throttled(device:)`).
    func checkFirstFactor(
        email: String, password: String, client: Client, channel: String, acceptAppPasswords: Bool,
        deviceCookie: String? = nil
    ) throws -> Result<FirstFactor, FirstFactorRefusal> {
        let address: EmailAddress
        do { address = try EmailAddress(parsing: email) } catch { return .failure(.invalidEmail(error)) }
        let found = try store.account(email: address.value)
        let appPassword = acceptAppPasswords ? try found.flatMap { try namedAppPassword(password, $0.id) } : nil
        // Application passwords stay local; anything else of a directory person goes to the directory.
        let directory = DirectoryService(core: core)
        if appPassword == nil, directory.decides(found) {
            return try directory.signIn(address, found: found, password: password, client: client, channel: channel)
        }
        let device = found.flatMap { deviceCookies?.device(in: deviceCookie, accountID: $0.id) }
        let outcome = try throttle.attempt(
            accountID: found?.id, client: client, device: device, appPassword: appPassword != nil
        ) {
            guard let account = found else {
                _ = try hasher.verify(password, against: decoyHash)
                return false
            }
            if let (typed, record) = appPassword { return try hasher.verify(typed.value, against: record.passwordHash) }
            return try hasher.verify(password, against: account.passwordHash)
        }
        switch outcome {
        case .blocked:
            return .failure(.blocked)
        case .failed:
            let reason = found == nil ? "no such user" : "wrong password"
            try log(.signInFailed, accountID: found?.id, client: client, detail: "\(channel): \(reason)")
            return .failure(found == nil ? .noSuchUser : .wrongPassword)
        case .passed:
            break
        }
        guard let account = found else { return .failure(.noSuchUser) }  // passed only with an account
        guard account.active else {
            try log(.signInFailed, accountID: account.id, client: client, detail: "\(channel): deactivated")
            return .failure(.notActive)
        }
        guard account.confirmed else {
            try log(.signInFailed, accountID: account.id, client: client, detail: "\(channel): not confirmed")
            return .failure(.notConfirmed)
        }
        return .success(FirstFactor(account: account, appPassword: appPassword?.record))
    }
}
