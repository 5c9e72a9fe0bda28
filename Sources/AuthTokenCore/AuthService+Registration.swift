import AuthTokenStore
import Foundation

/// What a registration came to. The page says the same for both ("check your e-mail"); only
/// the mail differs, and it goes to the address, whose owner alone reads it.
public enum Registration: Sendable {
    /// A new account, or an unconfirmed one taken over by this registration (its password
    /// and links replaced): mail this confirmation link.
    case confirmationLink(RandomSecret, EmailAddress)
    /// The address has a confirmed account: nothing changed; tell its owner someone tried.
    case alreadyRegistered(EmailAddress)
}

/// Self-service registration: an unconfirmed account and a one-time confirmation link.
///
/// Registration cannot be hijacked: whoever registers an address first holds nothing until
/// the address's owner confirms, and registering an unconfirmed address again replaces the
/// earlier registration (its password and its links), so the only working link is the one
/// in the newest mail. A confirmed address is never changed by registering it.
extension AuthService {
    /// Checks the rules, hashes the password (always, so the work does not tell whether the
    /// address is taken), and creates or takes over the unconfirmed account.
    public func register(email: String, displayName: String?, password: String) throws -> Registration {
        let address = try Self.address(email)
        try Self.checkNewPassword(password)
        let new = NewAccount(
            email: address.value, displayName: try Self.displayName(displayName, email: address),
            passwordHash: try hasher.hash(password), confirmed: false, createdAt: now())
        let secret = RandomSecret.generate()
        let expiresAt = now() + settings.sessions.confirmationLifetime
        do {
            let account = try store.createAccount(new)
            try store.createConfirmation(digest: secret.digest, accountID: account.id, expiresAt: expiresAt)
            return .confirmationLink(secret, address)
        } catch StoreError.duplicateEmail {
            guard let existing = try store.account(email: address.value), !existing.confirmed,
                  try store.restartRegistration(
                      accountID: existing.id, new, linkDigest: secret.digest, linkExpiresAt: expiresAt)
            else { return .alreadyRegistered(address) }
            return .confirmationLink(secret, address)
        }
    }

    /// Removes unconfirmed accounts older than `unconfirmedLifetime` (with their links): the
    /// sweep's work (`sweep`), never a registration's, since it scans the account table
    /// under the write lock. A registration needs no sweep first: an address whose
    /// unconfirmed account has not been swept yet is taken over by `restartRegistration`
    /// like any unconfirmed one. How many went.
    @discardableResult
    public func removeExpiredRegistrations() throws -> Int {
        guard let lifetime = settings.sessions.unconfirmedLifetime else { return 0 }
        return try store.deleteUnconfirmedAccounts(createdBefore: now() - lifetime)
    }

    /// Uses a confirmation link: true when it was valid, unused and not expired, and the
    /// account is now confirmed. A link works once.
    public func confirm(secret: String) throws -> Bool {
        guard RandomSecret.isWellFormed(secret) else { return false }
        return try store.useConfirmation(digest: RandomSecret(value: secret).digest, now: now()) != nil
    }
}
