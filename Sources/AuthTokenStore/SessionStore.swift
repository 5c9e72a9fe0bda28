import Foundation

/// Sessions and sign-ins: web sessions, one-time confirmation links, half-done sign-ins
/// (password given, code still missing) and password resets.
///
/// Rules a backend must keep:
/// - `session(digest:)` returns nothing for a deactivated account (checked in the same
///   query), so signing someone out needs no extra step when an admin deactivates them;
/// - `useConfirmation(digest:now:)` deletes the link and confirms the account in one atomic
///   step, so a link works at most once even when clicked twice at the same moment;
/// - `takePendingSignIn` and `takePasswordReset` delete what they return, atomically, so
///   each works at most once.
public protocol SessionStore: Sendable {
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

    // MARK: Half-done sign-ins (password given, code still missing)
    func createPendingSignIn(digest: String, accountID: Int64, expiresAt: Date) throws
    /// Deletes the record and returns its account when it has not expired.
    func takePendingSignIn(digest: String, now: Date) throws -> Int64?
    /// The record's account when it has not expired, leaving it in place (the key step
    /// asks for a challenge before it answers).
    func pendingSignInAccount(digest: String, now: Date) throws -> Int64?
}
