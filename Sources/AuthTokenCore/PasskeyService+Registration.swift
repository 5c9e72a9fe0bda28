import AuthTokenStore
import Foundation
import WebAuthn

/// Adding, listing, renaming and removing an account's passkeys. The pages ask for the
/// password again before `startRegistration`, as for the other two-factor changes.
extension PasskeyService {
    /// The pages' way in: the current password first (one throttled attempt, as for an
    /// application password), then the cap, then a challenge. A stolen session alone
    /// cannot put its own key on someone's account.
    public func startRegistration(account: Account, password: String, client: Client) throws
        -> Result<PasskeyChallenge, PasskeyRefusal>
    {
        let passkeys = try requireSettings()
        switch try throttle.attempt(accountID: account.id, client: client, {
            try hasher.verify(password, against: account.passwordHash)
        }) {
        case .blocked: return .failure(.blocked)
        case .failed:
            try log(.signInFailed, accountID: account.id, client: client, detail: "security key: wrong password")
            return .failure(.wrongPassword)
        case .passed: break
        }
        guard try store.passkeyCount(accountID: account.id) < passkeys.maxPerAccount else {
            return .failure(.limitReached(passkeys.maxPerAccount))
        }
        return .success(try startRegistration(account: account))
    }

    /// True when this key is all the account's second factor: no TOTP, no other key.
    /// Removing it turns two-factor off, so the page asks for the password first.
    public func isLastSecondFactor(accountID: Int64) throws -> Bool {
        try store.twoFactor(accountID: accountID)?.enabled != true && store.passkeyCount(accountID: accountID) <= 1
    }

    /// Removes the account's last second factor, key `id`, after the password (one throttled
    /// attempt): two-factor is then off, the recovery codes go with it (`disableTwoFactor`).
    /// `.success(false)` when the account has no such key.
    public func removeLast(id: Int64, account: Account, password: String, client: Client) throws
        -> Result<Bool, PasskeyRefusal>
    {
        switch try throttle.attempt(accountID: account.id, client: client, {
            try hasher.verify(password, against: account.passwordHash)
        }) {
        case .blocked: return .failure(.blocked)
        case .failed:
            try log(.signInFailed, accountID: account.id, client: client, detail: "security key removal: wrong password")
            return .failure(.wrongPassword)
        case .passed: break
        }
        guard let key = try store.passkeys(accountID: account.id).first(where: { $0.id == id }) else { return .success(false) }
        guard try isLastSecondFactor(accountID: account.id) else {
            return .success(try remove(id: id, accountID: account.id, client: client))
        }
        guard try store.disableTwoFactor(accountID: account.id) else { return .success(false) }
        try log(.passkeyRemoved, accountID: account.id, client: client, detail: "“\(key.name)”")
        try log(.twoFactorOff, accountID: account.id, client: client, detail: "last security key removed")
        return .success(true)
    }

    public func startRegistration(account: Account) throws -> PasskeyChallenge {
        try challenge(accountID: account.id, purpose: Self.registerPurpose)
    }

    /// Verifies the browser's answer to `startRegistration`'s challenge and stores the key.
    public func finishRegistration(
        account: Account, name rawName: String, clientDataJSON: [UInt8], attestationObject: [UInt8], client: Client
    ) throws -> PasskeyRecord {
        let passkeys = try requireSettings()
        let name = rawName.trimmingSpaces()
        guard !name.isEmpty, NameRule.allows(name) else { throw PasskeyRefusal.invalidName }
        guard let challenge = try takeChallenge(clientDataJSON, accountID: account.id, purpose: Self.registerPurpose) else {
            throw PasskeyRefusal.verification(.challengeMismatch)
        }
        let made: RelyingParty.Registration
        do {
            made = try passkeys.relyingParty.verifyRegistration(
                clientDataJSON: clientDataJSON, attestationObject: attestationObject, challenge: challenge)
        } catch { throw PasskeyRefusal.verification(error) }
        let record: PasskeyRecord
        do {
            record = try store.insertPasskey(
                accountID: account.id, credentialID: made.credentialID, publicKey: made.publicKey.encoded,
                signCount: Int64(made.signCount), name: name, createdAt: now(), limit: passkeys.maxPerAccount)
        } catch StoreError.passkeyLimitReached(let limit) {
            throw PasskeyRefusal.limitReached(limit)
        } catch StoreError.duplicateCredential {
            throw PasskeyRefusal.alreadyRegistered
        }
        try log(.passkeyAdded, accountID: account.id, client: client, detail: "“\(name)” (\(made.format))")
        return record
    }

    public func list(accountID: Int64) throws -> [PasskeyRecord] {
        try store.passkeys(accountID: accountID)
    }

    public func rename(id: Int64, accountID: Int64, name rawName: String) throws -> Bool {
        let name = rawName.trimmingSpaces()
        guard !name.isEmpty, NameRule.allows(name) else { throw PasskeyRefusal.invalidName }
        return try store.renamePasskey(id: id, accountID: accountID, name: name)
    }

    /// Removes one key; false when the account has no such key. Removing the last key of
    /// an account without TOTP turns two-factor off: the page asks first, as for TOTP.
    public func remove(id: Int64, accountID: Int64, client: Client) throws -> Bool {
        guard let key = try store.passkeys(accountID: accountID).first(where: { $0.id == id }),
              try store.deletePasskey(id: id, accountID: accountID)
        else { return false }
        try log(.passkeyRemoved, accountID: accountID, client: client, detail: "“\(key.name)”")
        return true
    }
}
