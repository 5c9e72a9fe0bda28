import AuthTokenStore
import Crypto
import Foundation

/// Turning TOTP on and off, and checking a second factor. Secrets are sealed with
/// `settings.secretBox`; without one every method here throws `noKeyConfigured`.
extension TwoFactorService {
    static let recoveryCodeCount = 10
    static let recoveryCodeLength = 10
    /// 20 bytes (160 bits): RFC 4226's recommended secret length.
    static let totpSecretLength = 20

    /// True when the account has two-factor sign-in on: TOTP, a security key, or both.
    public func hasTwoFactor(accountID: Int64) throws -> Bool {
        try store.twoFactor(accountID: accountID)?.enabled == true || store.passkeyCount(accountID: accountID) > 0
    }

    public func recoveryCodesLeft(accountID: Int64) throws -> Int {
        try store.recoveryCodeCount(accountID: accountID)
    }

    /// A fresh secret, stored (sealed, not yet on) until the person confirms a code from it.
    /// Nil when two-factor is already on.
    public func startTwoFactorSetup(account: Account) throws -> TwoFactorSetup? {
        let box = try requireBox()
        let secret = SymmetricKey(size: .init(bitCount: Self.totpSecretLength * 8)).withUnsafeBytes { Array($0) }
        guard try store.storePendingTwoFactor(accountID: account.id, sealedSecret: box.seal(secret, accountID: account.id))
        else { return nil }
        let encoded = Base32.encode(secret)
        return TwoFactorSetup(secret: encoded, uri: Self.otpauthURI(email: account.email, secret: encoded))
    }

    /// The setup not yet confirmed, shown again (e.g. after a mistyped code); nil when none.
    public func pendingTwoFactorSetup(account: Account) throws -> TwoFactorSetup? {
        guard let record = try store.twoFactor(accountID: account.id), !record.enabled else { return nil }
        let encoded = Base32.encode(try openSecret(record))
        return TwoFactorSetup(secret: encoded, uri: Self.otpauthURI(email: account.email, secret: encoded))
    }

    /// Turns two-factor on when `password` is the account's and `code` is current for the
    /// pending secret (checked together as one throttled attempt: a stolen session alone
    /// cannot put its own authenticator on someone's account), and returns the ten recovery
    /// codes to show once (the store keeps their digests). Exactly the secret the code was
    /// checked against is turned on: when another set-up replaced it meanwhile, nothing is
    /// (`.expired`, as when there is no pending secret). Every session of the account but
    /// `keepSession` (the digest of the one asking) ends, as with a new password.
    ///
    /// `setupID`: the `TwoFactorSetup.id` the person was shown; when another secret is
    /// pending now, `.expired` at once, nothing checked or counted. Nil: whichever is pending.
    public func confirmTwoFactorSetup(
        account: Account, keepSession: String?, setupID: String? = nil, password: String, code: String,
        client: Client = .unknown
    ) throws -> Result<[String], SecondFactorRefusal> {
        let accountID = account.id
        guard let record = try store.twoFactor(accountID: accountID), !record.enabled else { return .failure(.expired) }
        let (secret, sealed) = try openSecretAndSealing(record)
        if let setupID, setupID != TwoFactorSetup.id(of: Base32.encode(secret)) { return .failure(.expired) }
        var step: Int64?
        switch try throttle.attempt(accountID: accountID, client: client, {
            guard try hasher.verify(password, against: account.passwordHash) else { return false }
            step = TOTP.matchingStep(secret: secret, code: code, at: now())
            return step != nil
        }) {
        case .blocked: return .failure(.blocked)
        case .failed:
            try log(.signInFailed, accountID: accountID, client: client, detail: "two-factor set-up: wrong password or code")
            return .failure(.wrongCode)
        case .passed: break
        }
        let codes = Self.newRecoveryCodes()
        guard let step, try store.enableTwoFactor(
            accountID: accountID, sealedSecret: sealed, step: step, recoveryDigests: codes.map(Self.recoveryDigest),
            keepSession: keepSession)
        else { return .failure(.expired) }
        return .success(codes)
    }

    /// Turns two-factor off after the password and a current code (or a recovery code),
    /// checked together as one throttled attempt.
    public func disableTwoFactor(account: Account, password: String, code: String, client: Client = .unknown) throws
        -> Result<Void, SecondFactorRefusal>
    {
        switch try throttle.attempt(accountID: account.id, client: client, {
            try hasher.verify(password, against: account.passwordHash)
                && checkSecondFactor(accountID: account.id, code: code)
        }) {
        case .blocked: return .failure(.blocked)
        case .failed:
            try log(.signInFailed, accountID: account.id, client: client,
                    detail: "two-factor turn-off: wrong password or code")
            return .failure(.wrongCode)
        case .passed:
            return try store.disableTwoFactor(accountID: account.id) ? .success(()) : .failure(.expired)
        }
    }

    /// The admin's way out for a lost phone or key: two-factor off, recovery codes and
    /// security keys gone.
    /// Application passwords stay; see docs/security.md.
    public func resetTwoFactor(accountID: Int64) throws -> Bool {
        try store.disableTwoFactor(accountID: accountID)
    }

    /// True for a current TOTP code not used before, or an unused recovery code (which is
    /// then used up). A code's step is stored when accepted, so it cannot be replayed.
    /// Not throttled by itself: callers run it inside `throttled` (tests call it directly).
    /// An account with security keys only has recovery codes too (`issueRecoveryCodes`).
    @_spi(Testing) public func checkSecondFactor(accountID: Int64, code: String) throws -> Bool {
        let typed = code.filter { $0 != " " }
        if typed.count == TOTP.digits && typed.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let record = try store.twoFactor(accountID: accountID), record.enabled else { return false }
            // A secret no configured key opens (the key was replaced without a rotation)
            // cannot confirm any code: the answer is a wrong code, so its owner can still
            // use a recovery code. `authtoken-admin rotate-secrets` names such accounts.
            let secret: [UInt8]
            do { secret = try openSecret(record) } catch SecretBoxError.cannotOpen { return false }
            guard let step = TOTP.matchingStep(secret: secret, code: typed, at: now()) else { return false }
            return try store.acceptStep(accountID: accountID, step: step)
        }
        let recovery = RandomCode.normalized(code)
        guard recovery.count == Self.recoveryCodeLength else { return false }
        return try store.useRecoveryCode(accountID: accountID, digest: Self.recoveryDigest(recovery))
    }

    /// True when the account has TOTP turned on (an authenticator app), keys or not.
    public func hasTOTP(accountID: Int64) throws -> Bool {
        try store.twoFactor(accountID: accountID)?.enabled == true
    }

    /// Ten new recovery codes, to show once, when the account has none and no TOTP (its
    /// first security key, or a key added after every code was used); nil otherwise (TOTP's
    /// enrolment gives codes of its own). The store keeps their digests.
    public func issueRecoveryCodes(accountID: Int64) throws -> [String]? {
        guard try !hasTOTP(accountID: accountID), try store.recoveryCodeCount(accountID: accountID) == 0 else { return nil }
        let codes = Self.newRecoveryCodes()
        guard try store.addRecoveryCodesIfNone(accountID: accountID, digests: codes.map(Self.recoveryDigest)) else {
            return nil
        }
        return codes
    }

    static func newRecoveryCodes() -> [String] {
        (0..<Self.recoveryCodeCount).map { _ in
            RandomCode.grouped(RandomCode.make(length: Self.recoveryCodeLength), by: 5, separator: "-")
        }
    }

    /// Recovery codes have about 51 random bits and work once, so a fast digest is enough.
    static func recoveryDigest(_ code: String) -> String {
        TokenSecret.digest(of: RandomCode.normalized(code))
    }

    static func otpauthURI(email: String, secret: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~@")
        let label = "authtoken:" + (email.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
        return "otpauth://totp/\(label)?secret=\(secret)&issuer=authtoken"
    }

    /// The TOTP secret; one sealed with the previous key (during a key rotation) is sealed
    /// again with the current key on the way.
    func openSecret(_ record: TwoFactorRecord) throws -> [UInt8] {
        try openSecretAndSealing(record).secret
    }

    /// The TOTP secret and its sealing as the store now holds it (the new one when it was
    /// sealed again), for a compare-and-set on exactly this secret.
    func openSecretAndSealing(_ record: TwoFactorRecord) throws -> (secret: [UInt8], sealed: [UInt8]) {
        let box = try requireBox()
        let (secret, byPreviousKey) = try box.opened(record.sealedSecret, accountID: record.accountID)
        guard byPreviousKey else { return (secret, record.sealedSecret) }
        let sealed = try box.seal(secret, accountID: record.accountID)
        try store.resealTwoFactor(accountID: record.accountID, old: record.sealedSecret, new: sealed)
        return (secret, sealed)
    }

    /// Seals every two-factor secret still sealed with the previous key with the current
    /// one (`authtoken-admin rotate-secrets`); how many. Afterwards the previous key is no
    /// longer needed for them.
    /// `unreadable`: accounts whose secret opens with neither key (their owners need an
    /// administrator's `reset-2fa`).
    public func resealTwoFactorSecrets() throws -> (resealed: Int, unreadable: [Int64]) {
        let box = try requireBox()
        var resealed = 0
        var unreadable: [Int64] = []
        for account in try store.accounts() {
            guard let record = try store.twoFactor(accountID: account.id) else { continue }
            guard let opened = try? box.opened(record.sealedSecret, accountID: account.id) else {
                unreadable.append(account.id)
                continue
            }
            guard opened.byPreviousKey else { continue }
            _ = try openSecret(record)
            resealed += 1
        }
        return (resealed, unreadable)
    }

    func requireBox() throws -> SecretBox {
        guard let box = settings.secretBox else { throw SecretBoxError.noKeyConfigured }
        return box
    }
}
