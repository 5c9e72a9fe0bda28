import AuthTokenStore
import Foundation

/// Self-service registration: an unconfirmed account and a one-time confirmation link.
extension AuthService {
    /// Creates an unconfirmed account and returns the secret of its confirmation link
    /// (stored only as a digest). `AccountError.duplicateEmail` when the address is taken.
    public func register(email: String, displayName: String?, password: String) throws -> RandomSecret {
        let account = try addAccount(email: email, displayName: displayName, password: password, confirmed: false)
        let secret = RandomSecret.generate()
        try store.createConfirmation(
            digest: secret.digest, accountID: account.id,
            expiresAt: now() + settings.sessions.confirmationLifetime)
        return secret
    }

    /// Uses a confirmation link: true when it was valid, unused and not expired, and the
    /// account is now confirmed. A link works once.
    public func confirm(secret: String) throws -> Bool {
        guard RandomSecret.isWellFormed(secret) else { return false }
        return try store.useConfirmation(digest: RandomSecret(value: secret).digest, now: now()) != nil
    }
}
