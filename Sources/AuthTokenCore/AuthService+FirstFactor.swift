import AuthTokenStore

/// Why the first factor (e-mail and password) did not let someone in.
enum FirstFactorRefusal: Error {
    case blocked, noSuchUser, wrongPassword, notActive, notConfirmed
}

/// The account an e-mail and password opened, and the application password that did it
/// (nil when it was the main password).
struct FirstFactor {
    let account: Account
    let appPassword: AppPasswordRecord?
}

extension AuthService {
    /// The checks the sign-in form and API mode share, in the order the contract fixes:
    /// blocked (before anything is looked at or hashed), unknown e-mail, password, and only
    /// after the password matched, deactivated and unconfirmed. Failures are counted and
    /// logged as `"<channel>: <reason>"`. Application passwords are tried only when
    /// `acceptAppPasswords`, after the main password, since each costs an Argon2 hash.
    func checkFirstFactor(
        email: String, password: String, client: Client, channel: String, acceptAppPasswords: Bool
    ) throws -> Result<FirstFactor, FirstFactorRefusal> {
        let found = try store.account(email: email)
        guard try !isBlocked(accountID: found?.id, client: client) else {
            try log(.signInFailed, accountID: found?.id, client: client, detail: "\(channel): blocked")
            return .failure(.blocked)
        }
        guard let account = found else {
            try countFailure(accountID: nil, client: client)
            try log(.signInFailed, accountID: nil, client: client, detail: "\(channel): no such user")
            return .failure(.noSuchUser)
        }
        let mainPassword = hasher.verify(password, against: account.passwordHash)
        let appPassword = mainPassword || !acceptAppPasswords
            ? nil : try matchingAppPassword(password, accountID: account.id)
        guard mainPassword || appPassword != nil else {
            try countFailure(accountID: account.id, client: client)
            try log(.signInFailed, accountID: account.id, client: client, detail: "\(channel): wrong password")
            return .failure(.wrongPassword)
        }
        guard account.active else {
            try log(.signInFailed, accountID: account.id, client: client, detail: "\(channel): deactivated")
            return .failure(.notActive)
        }
        guard account.confirmed else {
            try log(.signInFailed, accountID: account.id, client: client, detail: "\(channel): not confirmed")
            return .failure(.notConfirmed)
        }
        return .success(FirstFactor(account: account, appPassword: appPassword))
    }
}
