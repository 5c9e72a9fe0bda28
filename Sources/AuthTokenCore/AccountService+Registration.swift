import AuthTokenStore
import Foundation

/// What a registration came to. The page says the same for all ("check your e-mail"); only
/// the mail differs, and it goes to the address, whose owner alone reads it.
public enum Registration: Sendable {
    /// A new account, or another registration of one that waits for its first confirmation:
    /// mail this link, which confirms this registration's password and nothing else.
    case confirmationLink(RandomSecret, EmailAddress)
    /// The address has a confirmed account, or one an administrator made: nothing changed;
    /// tell its owner someone tried.
    case alreadyRegistered(EmailAddress)
    /// The address had `registrationMailsPerHour` registration mails this hour: nothing
    /// changed, nothing to send.
    case tooManyMails(EmailAddress)
}

/// Self-service registration: an account without a password, and per registration a
/// one-time link holding the password chosen at it.
///
/// Registration cannot be hijacked: a registration's password waits with the link mailed
/// for it (`addRegistrationLink`), and only that link confirms it. Registering the address
/// again adds a link of its own; it never changes what an earlier link confirms, nor the
/// account's password. Once one link is used the account has that password and every other
/// link ends. An account with a password (confirmed, or made by an administrator, confirmed
/// or not) is never changed by registering its address; an administrator's `user confirm` of
/// an account still waiting for its link confirms it without a password (its owner resets one).
extension AccountService {
    /// Registration mails (a link, or "someone tried") one address gets in an hour.
    public static let registrationMailsPerHour = 5

    /// Checks the rules and the address's mail budget, hashes the password (always, so the
    /// work does not tell whether the address is taken), and adds this registration.
    public func register(email: String, displayName: String?, password: String) throws -> Registration {
        let address = try Self.address(email)
        try Self.checkNewPassword(password)
        let name = try Self.displayName(displayName, email: address)
        let mails = try store.countAttempt(key: "register-email:" + address.key, now: now(), window: 3600)
        guard mails.count <= Self.registrationMailsPerHour else { return .tooManyMails(address) }
        let hash = try hasher.hash(password)
        let account: Account
        do {
            account = try store.createAccount(NewAccount(
                email: address.value, displayName: name, passwordHash: Account.noPassword, confirmed: false,
                createdAt: now()))
        } catch StoreError.duplicateEmail {
            guard let existing = try store.account(email: address.value) else { return .alreadyRegistered(address) }
            account = existing
        }
        let secret = RandomSecret.generate()
        guard try store.addRegistrationLink(
            digest: secret.digest, accountID: account.id,
            expiresAt: now() + settings.sessions.confirmationLifetime, passwordHash: hash, displayName: name)
        else { return .alreadyRegistered(address) }
        return .confirmationLink(secret, address)
    }

    /// Uses a confirmation link: true when it was valid, unused and not expired, and the
    /// account is now confirmed. A link works once.
    public func confirm(secret: String) throws -> Bool {
        guard RandomSecret.isWellFormed(secret) else { return false }
        return try store.useConfirmation(digest: RandomSecret(value: secret).digest, now: now()) != nil
    }
}
