import Foundation

/// API tokens: creating (under the account's cap), listing, replacing and rotating their
/// values, expiry reminders, and the token check with its last-use writes.
///
/// Rules a backend must keep:
/// - `insertToken(_:limit:)` checks the account's count and inserts in one atomic step,
///   so concurrent calls can never leave more than `limit` tokens;
/// - `grant(digest:)` is the hot path: one prepared statement, no write.
public protocol TokenStore: Sendable {
    // MARK: Tokens
    /// Inserts the token unless the account already holds `limit` tokens, in which case it
    /// throws `StoreError.tokenLimitReached` and changes nothing.
    func insertToken(_ token: NewToken, limit: Int) throws -> TokenRecord
    func tokens(accountID: Int64) throws -> [TokenRecord]
    func token(digest: String) throws -> TokenRecord?
    /// Deletes the account's token with this id. Returns false when there was none, which
    /// includes a token that belongs to another account.
    @discardableResult
    func deleteToken(id: Int64, accountID: Int64) throws -> Bool
    /// Deletes the token with this digest, whoever owns it (its current value only).
    /// Returns false when there was none. Deleting a token also forgets its retired values.
    @discardableResult
    func deleteToken(digest: String) throws -> Bool

    /// Rotates a token (see `TokenRotation`) in one transaction: the token's digest, hint
    /// and expiry become the new ones, `rotatedAt`/`rotatedFrom` are set, and the old
    /// digest is kept as retired. Nil, changing nothing, unless the token still has
    /// `oldDigest` as its current value (a concurrent rotation or regeneration won).
    func rotateToken(_ rotation: TokenRotation) throws -> TokenRecord?

    // MARK: Expiry reminders
    /// Tokens of active accounts that expire after `now` and at or before `expiringBy`,
    /// were last used at or after `usedSince`, and have had no reminder for `days` or fewer
    /// days yet; in id order.
    func tokensToRemind(now: Date, expiringBy: Date, usedSince: Date, days: Int) throws -> [TokenReminder]
    /// Notes that the `days`-day reminder of the token went out: a compare-and-set that
    /// succeeds only while no reminder for `days` or fewer days is noted and the token still
    /// expires at `expiresAt`, so that of several instances exactly one sends it. Giving a
    /// token a new value (regenerate, rotate) forgets its reminders.
    func markReminded(tokenID: Int64, days: Int, expiresAt: Date) throws -> Bool

    // MARK: The token check (hot path)
    /// The token with this digest and its account, in one read; nil when there is none.
    /// Called on every guarded request: a backend answers it with one prepared statement
    /// and no write. Only when no token has the digest as its current value does it look
    /// among retired values (a second indexed read), answering with the token the value
    /// was rotated out of and `retiredUntil` set; a live token's check costs no more.
    func grant(digest: String) throws -> TokenGrant?
    /// Stores the latest use of several tokens at once (tokens deleted meanwhile are
    /// skipped). A use older than the one stored changes nothing: several instances flush
    /// in any order, and the newest use wins.
    func recordUses(_ uses: [TokenUse]) throws

    // MARK: What the token pages need
    func token(id: Int64, accountID: Int64) throws -> TokenRecord?
    /// Replaces the secret of the account's token `id` (same id, name, scopes and lifetime)
    /// and sets its expiry to `expiresAt` (nil: never); the last use is forgotten, and so
    /// is every value rotated out of it (`retired_token`), in the same transaction, so no
    /// value the token had before works or counts as reuse afterwards. Nil when the account
    /// has no such token.
    func replaceTokenSecret(id: Int64, accountID: Int64, digest: String, hint: String, expiresAt: Date?) throws
        -> TokenRecord?
}
