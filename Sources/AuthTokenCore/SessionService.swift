import AuthTokenStore
import Foundation

/// Browser sign-in. The session id is a fresh `RandomSecret` on every sign-in (nothing the
/// browser brought is reused, so no fixation), and only its digest is stored.
extension SessionService {
    /// Checks e-mail and password like API mode does, and on success starts a session.
    /// Deactivated and unconfirmed are told only after the password matched.
    public func signIn(email: String, password: String, client: Client = .unknown, deviceCookie: String? = nil) throws
        -> Result<(RandomSecret, WebSession), SignInRefusal>
    {
        guard !email.isEmpty, !password.isEmpty else { return .failure(.missingCredentials) }
        let account: Account
        switch try checkFirstFactor(
            email: email, password: password, client: client, channel: "browser", acceptAppPasswords: false,
            deviceCookie: deviceCookie)
        {
        case .success(let first): account = first.account
        case .failure(.invalidEmail(let reason)): return .failure(.invalidEmail(reason))
        case .failure(.blocked): return .failure(.blocked)
        // One answer for both, after the same work (the decoy hash): the page does not
        // tell which addresses have accounts.
        case .failure(.noSuchUser), .failure(.wrongPassword): return .failure(.wrongCredentials)
        case .failure(.notActive): return .failure(.notActive)
        case .failure(.notConfirmed): return .failure(.notConfirmed)
        }
        try rehashIfNeeded(account, password: password)
        if try twoFactor.hasTwoFactor(accountID: account.id) {
            _ = try twoFactor.requireBox()  // fail clearly now, not after the person typed a code
            let pending = RandomSecret.generate()
            try store.createPendingSignIn(
                digest: pending.digest, accountID: account.id, expiresAt: now() + Self.pendingSignInLifetime)
            return .failure(.secondFactorNeeded(pending: pending))
        }
        try log(.signIn, accountID: account.id, client: client, detail: "browser")
        return .success(try startSession(account, client: client, secondFactor: false))
    }

    /// How long the code page waits after the password: enough to open the app, no more.
    static let pendingSignInLifetime: TimeInterval = 300

    /// The second step: the half-done sign-in (used up by this call, whatever the outcome)
    /// and a TOTP or recovery code. Only now is a session created. A wrong code gets a new
    /// half-done sign-in, so the person stays on the code step; the throttle bounds retries.
    public func completeSignIn(pending: String, code: String, client: Client = .unknown, deviceCookie: String? = nil) throws
        -> Result<(RandomSecret, WebSession), SecondFactorRefusal>
    {
        guard let account = try takePendingSignIn(pending) else { return .failure(.expired) }
        let accountID = account.id
        // Through the throttle: a block that began after the password step (codes guessed
        // elsewhere) holds here too.
        let device = deviceCookies?.device(in: deviceCookie, accountID: accountID)
        switch try throttle.attempt(accountID: accountID, client: client, device: device, {
            try twoFactor.checkSecondFactor(accountID: accountID, code: code)
        }) {
        case .blocked: return .failure(.blocked)
        case .failed:
            try log(.signInFailed, accountID: accountID, client: client, detail: "browser: wrong two-factor code")
            let again = RandomSecret.generate()
            try store.createPendingSignIn(
                digest: again.digest, accountID: accountID, expiresAt: now() + Self.pendingSignInLifetime)
            return .failure(.wrongCodeTryAgain(pending: again))
        case .passed: break
        }
        try log(.signIn, accountID: accountID, client: client, detail: "browser, with two-factor code")
        return .success(try startSession(account, client: client, secondFactor: true))
    }

    /// What the second step may be for a half-done sign-in: a key (with its challenge) and
    /// whether a TOTP code works; nil when the half-done sign-in is unknown or expired.
    public struct SecondSteps: Sendable {
        public let key: PasskeyChallenge?
        public let totp: Bool
    }

    public func secondSteps(pending: String) throws -> SecondSteps? {
        guard RandomSecret.isWellFormed(pending),
              let accountID = try store.pendingSignInAccount(digest: RandomSecret(value: pending).digest, now: now())
        else { return nil }
        // Keys answer only where the server is their relying party (`AUTHTOKEN_PUBLIC_URL`).
        let usable = settings.passkeys != nil && settings.secretBox != nil
        let key = try usable && store.passkeyCount(accountID: accountID) > 0 ? try passkeys.startSignIn(accountID: accountID) : nil
        return SecondSteps(key: key, totp: try twoFactor.hasTOTP(accountID: accountID))
    }

    /// The key step's challenge for a half-done sign-in (left in place); nil when it is
    /// unknown or expired, or the account has no key.
    public func startKeySignIn(pending: String) throws -> PasskeyChallenge? {
        guard RandomSecret.isWellFormed(pending),
              let accountID = try store.pendingSignInAccount(digest: RandomSecret(value: pending).digest, now: now()),
              try store.passkeyCount(accountID: accountID) > 0
        else { return nil }
        return try passkeys.startSignIn(accountID: accountID)
    }

    /// The second step with a security key instead of a code: as `completeSignIn`, the
    /// half-done sign-in is used up whatever the outcome, and a refused key gets a new one.
    public func completeSignIn(pending: String, key answer: PasskeyService.SignInAnswer, client: Client = .unknown)
        throws -> Result<(RandomSecret, WebSession), SecondFactorRefusal>
    {
        guard let account = try takePendingSignIn(pending) else { return .failure(.expired) }
        let accountID = account.id
        switch try passkeys.verifySignIn(accountID: accountID, answer, client: client) {
        case .blocked: return .failure(.blocked)
        case .failed:
            try log(.signInFailed, accountID: accountID, client: client, detail: "browser: security key refused")
            let again = RandomSecret.generate()
            try store.createPendingSignIn(
                digest: again.digest, accountID: accountID, expiresAt: now() + Self.pendingSignInLifetime)
            return .failure(.wrongCodeTryAgain(pending: again))
        case .passed: break
        }
        try log(.signIn, accountID: accountID, client: client, detail: "browser, with security key")
        return .success(try startSession(account, client: client, secondFactor: true))
    }

    /// Uses the half-done sign-in up; its account if it had not expired and is still active.
    private func takePendingSignIn(_ pending: String) throws -> Account? {
        guard RandomSecret.isWellFormed(pending),
              let accountID = try store.takePendingSignIn(digest: RandomSecret(value: pending).digest, now: now()),
              let account = try store.account(id: accountID), account.active
        else { return nil }
        return account
    }

    func startSession(_ account: Account, client: Client, secondFactor: Bool) throws -> (RandomSecret, WebSession) {
        let time = now()
        let limits = settings.sessions
        try store.deleteExpiredSessions(
            idleBefore: time - limits.idleTimeout, createdBefore: time - limits.absoluteTimeout)
        let secret = RandomSecret.generate()
        try store.createSession(
            digest: secret.digest, accountID: account.id, at: time, address: client.address, userAgent: client.userAgent,
            secondFactor: secondFactor)
        let created = Date(timeIntervalSince1970: time.timeIntervalSince1970.rounded(.down))
        return (secret, WebSession(account: account, createdAt: created, digest: secret.digest, secondFactor: secondFactor))
    }

    /// The live session for a cookie value, or nil. Expired sessions are deleted when
    /// seen; a live one's idle clock restarts.
    public func session(secret: String) throws -> WebSession? {
        guard RandomSecret.isWellFormed(secret) else { return nil }
        let digest = RandomSecret(value: secret).digest
        guard let record = try store.session(digest: digest) else { return nil }
        let time = now()
        let limits = settings.sessions
        if time.timeIntervalSince(record.lastSeenAt) >= limits.idleTimeout
            || time.timeIntervalSince(record.createdAt) >= limits.absoluteTimeout
        {
            try store.deleteSession(digest: digest)
            return nil
        }
        try store.touchSession(digest: digest, at: time)
        return WebSession(account: record.account, createdAt: record.createdAt, digest: digest, secondFactor: record.secondFactor)
    }

    /// Deletes the session on the server; the cookie alone is worth nothing afterwards.
    public func signOut(secret: String) throws {
        guard RandomSecret.isWellFormed(secret) else { return }
        try store.deleteSession(digest: RandomSecret(value: secret).digest)
    }
}
