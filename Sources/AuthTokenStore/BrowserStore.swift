import Foundation

/// What the browser pages need from a backend: sessions, one-time confirmation links and
/// replacing a token's secret. `AuthStore` refines it, so every backend implements it; it
/// lives in its own file so the API-mode requirements stay readable on their own.
///
/// Rules a backend must keep:
/// - `session(digest:)` returns nothing for a deactivated account (checked in the same
///   query), so signing someone out needs no extra step when an admin deactivates them;
/// - `useConfirmation(digest:now:)` deletes the link and confirms the account in one atomic
///   step, so a link works at most once even when clicked twice at the same moment;
/// - token methods that take an `accountID` never touch another account's token.
public protocol BrowserStore: Sendable {
    // MARK: Sessions
    /// `address` and `userAgent`: where the sign-in came from, for the sessions page;
    /// `secondFactor`: the sign-in took a two-factor code (the administrators' pages need it).
    func createSession(
        digest: String, accountID: Int64, at: Date, address: String, userAgent: String, secondFactor: Bool) throws
    /// The account's sessions, most recently seen first.
    func sessions(accountID: Int64) throws -> [SessionSummary]
    /// Ends every session of the account but `except` (a digest); returns how many ended.
    @discardableResult
    func deleteSessions(accountID: Int64, except: String?) throws -> Int
    /// The session with this digest whose account is active, or nil.
    func session(digest: String) throws -> SessionRecord?
    func touchSession(digest: String, at: Date) throws
    @discardableResult
    func deleteSession(digest: String) throws -> Bool
    /// Removes sessions idle since before `idleBefore` or created before `createdBefore`.
    @discardableResult
    func deleteExpiredSessions(idleBefore: Date, createdBefore: Date) throws -> Int

    // MARK: Confirmation links
    /// A link that confirms the account as it is (its own password).
    func createConfirmation(digest: String, accountID: Int64, expiresAt: Date) throws
    /// A registration's link, holding the password hash and name chosen at that
    /// registration, for an account still waiting for its first confirmation (unconfirmed,
    /// password hash `Account.noPassword`); its other links stay as they are. False, and
    /// nothing added, when the account is confirmed, has a password (an administrator made
    /// it) or is gone. One atomic step.
    func addRegistrationLink(digest: String, accountID: Int64, expiresAt: Date, passwordHash: String, displayName: String)
        throws -> Bool
    /// Consumes the link and marks its account confirmed; nil when the link is unknown,
    /// used or expired (an expired link is deleted too). A registration's link also sets the
    /// password and name it holds, only while the account has no password, and every other
    /// link of the account is deleted: one registration is confirmed, the others end.
    func useConfirmation(digest: String, now: Date) throws -> Int64?

    // MARK: Passwords
    /// A new password, in one transaction: the hash replaced, every session but `keepSession`
    /// (a digest) ended, half-done sign-ins and password-reset links deleted. False when
    /// there is no such account.
    func replacePassword(accountID: Int64, hash: String, keepSession: String?) throws -> Bool
    func createPasswordReset(digest: String, accountID: Int64, expiresAt: Date) throws
    /// The account of an unexpired reset link, without using it up (the page that asks
    /// for the new password).
    func passwordReset(digest: String, now: Date) throws -> Int64?
    /// Uses the link up (deleted whatever its age); its account if it had not expired.
    func takePasswordReset(digest: String, now: Date) throws -> Int64?

    // MARK: Tokens
    func token(id: Int64, accountID: Int64) throws -> TokenRecord?
    /// Replaces the secret of the account's token `id` (same id, name, scopes and lifetime)
    /// and sets its expiry to `expiresAt` (nil: never); the last use is forgotten, and so
    /// is every value rotated out of it (`retired_token`), in the same transaction, so no
    /// value the token had before works or counts as reuse afterwards. Nil when the account
    /// has no such token.
    func replaceTokenSecret(id: Int64, accountID: Int64, digest: String, hint: String, expiresAt: Date?) throws
        -> TokenRecord?
}
