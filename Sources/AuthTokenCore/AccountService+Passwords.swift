import AuthTokenStore
import Foundation

/// Why a new password was not set.
public enum PasswordRefusal: Error, Equatable, Sendable {
    /// The current password (change) was wrong.
    case wrongPassword
    /// The reset link is unknown, used or older than an hour.
    case expired
    /// Two-factor is on and the code (or recovery code) was wrong; the link still works.
    case wrongCode
    case blocked
    /// The new password breaks a rule (`AccountError.weakPassword`, `.passwordTooLong`).
    case rejected(AccountError)
}

/// Changing a password (signed in), resetting a forgotten one by e-mail, and the admin's
/// `set-password`. Every way ends the account's other sessions and half-done sign-ins and
/// voids its reset links (`AuthStore.replacePassword`, one transaction). Tokens and
/// application passwords stay: they are independent of the password.
extension AccountService {
    /// How long a reset link works.
    public static let passwordResetLifetime: TimeInterval = 3600
    /// Reset mails per hour from one client address (or /64), all recipients together, and
    /// for one known browser (a valid device cookie for the account).
    static let resetRequestsPerHour = 5
    /// Reset mails per hour for one address from browsers it has no device cookie in: more
    /// than one client address may send, so one outsider cannot use them all up.
    static let resetMailsPerRecipient = 10

    /// The signed-in person's new password, after the current one (through the throttle).
    /// The session that asked stays signed in; every other one ends.
    public func changePassword(session: WebSession, current: String, new: String, client: Client) throws
        -> Result<Void, PasswordRefusal>
    {
        do { try Self.checkNewPassword(new) } catch { return .failure(.rejected(error)) }
        let account = session.account
        guard account.origin == .local else { return .failure(.wrongPassword) }  // the directory's to change
        switch try throttle.attempt(accountID: account.id, client: client, {
            try hasher.verify(current, against: account.passwordHash)
        }) {
        case .blocked: return .failure(.blocked)
        case .failed:
            try log(.signInFailed, accountID: account.id, client: client, detail: "password change: wrong password")
            return .failure(.wrongPassword)
        case .passed: break
        }
        guard try store.replacePassword(accountID: account.id, hash: try hasher.hash(new), keepSession: session.digest)
        else { return .failure(.expired) }
        try log(.passwordChanged, accountID: account.id, client: client, detail: "on the password page; other sessions ended")
        return .success(())
    }

    /// The admin CLI's `user set-password`: every session ends.
    public func setPassword(accountID: Int64, new: String, client: Client) throws {
        try Self.checkNewPassword(new)
        guard try store.replacePassword(accountID: accountID, hash: try hasher.hash(new), keepSession: nil)
        else { throw AccountError.noSuchUser }
        try log(.passwordChanged, accountID: accountID, client: client, detail: "by an administrator; all sessions ended")
    }

    /// What a "forgot your password" request came to. The page says the same for all but
    /// `.invalidEmail`, which tells nothing about accounts.
    public enum PasswordResetRequest: Sendable {
        /// Mail this link to this address.
        case mail(EmailAddress, RandomSecret)
        /// No account, an inactive one, or too many requests: nothing to send.
        case nothing
        case invalidEmail(EmailAddress.Refusal)
    }

    /// A reset link for an active account's address. The same store work whether or not
    /// the address has an account (the counters are keyed by client and by e-mail, so
    /// unknown addresses are limited too); the link is stored as a digest. `deviceCookie`:
    /// the browser's device cookie, if any (`resetMailBudget`). Over a limit nothing new is
    /// written: no further counter is made, and "too many requests" is logged once per window.
    public func requestPasswordReset(email: String, client: Client, deviceCookie: String? = nil) throws
        -> PasswordResetRequest
    {
        let address: EmailAddress
        do { address = try EmailAddress(parsing: email) } catch { return .invalidEmail(error) }
        let found = try store.account(email: address.value)
        let device = found.flatMap { deviceCookies?.device(in: deviceCookie, accountID: $0.id) }
        if case .over(let first) = try resetMailBudget(address, client: client, device: device) {
            if first { try log(.passwordResetRequested, accountID: nil, client: client, detail: "too many requests") }
            return .nothing
        }
        // The mailer only gets parsed addresses; an account older than that parser whose
        // address fails it gets no mail (the admin CLI sets its password). A directory
        // account has no local password to reset: its password is changed in the directory.
        guard let account = found, account.active, account.origin == .local,
              let to = try? EmailAddress(parsing: account.email)
        else {
            // One write, as the other path's link (the activity entry makes the admin's view too).
            try log(.passwordResetRequested, accountID: nil, client: client, detail: "no active account has this address")
            return .nothing
        }
        let secret = RandomSecret.generate()
        try store.createPasswordReset(
            digest: secret.digest, accountID: account.id, expiresAt: now() + Self.passwordResetLifetime)
        try log(.passwordResetRequested, accountID: account.id, client: client)
        return .mail(to, secret)
    }

    /// The reset-mail limits, so that they bound flooding without letting an outsider deny
    /// the owner a reset: a known browser of the account (`device`) has its own budget and
    /// nothing else counts it; any other request counts against its client address first,
    /// and only within that budget against the recipient's, which is larger, so one client
    /// address cannot use the recipient's up.
    func resetMailBudget(_ address: EmailAddress, client: Client, device: String?) throws -> ResetMailBudget {
        func count(_ key: String, _ limit: Int) throws -> ResetMailBudget {
            let count = try store.countAttempt(key: key, now: now(), window: 3600).count
            return count <= limit ? .within : .over(first: count == limit + 1)
        }
        if let device { return try count("reset-device:" + device, Self.resetRequestsPerHour) }
        let byClient = try count("reset-address:" + ThrottleAddress.key(client.address), Self.resetRequestsPerHour)
        guard case .within = byClient else { return byClient }
        return try count("reset-email:" + address.key, Self.resetMailsPerRecipient)
    }

    /// Whether a reset mail may go: `first` marks the request that went over, the only one
    /// over a limit that is logged.
    enum ResetMailBudget: Equatable {
        case within
        case over(first: Bool)
    }

    /// For the page a reset link opens: nil when the link does not work, else whether a
    /// two-factor code is needed too. Uses nothing up.
    public func passwordResetNeedsCode(secret: String) throws -> Bool? {
        guard RandomSecret.isWellFormed(secret),
              let accountID = try store.passwordReset(digest: RandomSecret(value: secret).digest, now: now())
        else { return nil }
        return try twoFactor.hasTwoFactor(accountID: accountID)
    }

    /// Sets the new password from a reset link. With two-factor on, `code` (a current or
    /// recovery code) is checked first, through the throttle; a wrong one leaves the link
    /// usable until it expires. The link works once; every session ends. Returns the account,
    /// whose owner is then told by mail.
    public func resetPassword(secret: String, new: String, code: String, client: Client) throws
        -> Result<Account, PasswordRefusal>
    {
        guard RandomSecret.isWellFormed(secret) else { return .failure(.expired) }
        let digest = RandomSecret(value: secret).digest
        guard let accountID = try store.passwordReset(digest: digest, now: now()),
              try store.account(id: accountID)?.origin == .local  // linked to the directory since
        else { return .failure(.expired) }
        do { try Self.checkNewPassword(new) } catch { return .failure(.rejected(error)) }
        if try twoFactor.hasTwoFactor(accountID: accountID) {
            switch try throttle.attempt(accountID: accountID, client: client, { try twoFactor.checkSecondFactor(accountID: accountID, code: code) }) {
            case .blocked: return .failure(.blocked)
            case .failed:
                try log(.signInFailed, accountID: accountID, client: client, detail: "password reset: wrong two-factor code")
                return .failure(.wrongCode)
            case .passed: break
            }
        }
        let hash = try hasher.hash(new)
        guard try store.takePasswordReset(digest: digest, now: now()) == accountID,
              try store.replacePassword(accountID: accountID, hash: hash, keepSession: nil)
        else { return .failure(.expired) }
        try log(.passwordChanged, accountID: accountID, client: client, detail: "with a reset link; all sessions ended")
        guard let account = try store.account(id: accountID) else { return .failure(.expired) }
        return .success(account)
    }
}
