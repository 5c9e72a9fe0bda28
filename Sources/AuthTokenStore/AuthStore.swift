import Foundation

/// The storage interface of the auth core.
///
/// Every backend (SQLite now, PostgreSQL later) implements it, and one set of contract
/// tests runs against each. Methods are synchronous because the FastCGI server runs one
/// request per worker thread; a backend blocks that thread, never the others.
///
/// Rules a backend must keep:
/// - e-mail look-ups compare `Account.key(forEmail:)`, never the raw spelling;
/// - `insertToken(_:limit:)` checks the account's count and inserts in one atomic step,
///   so concurrent calls can never leave more than `limit` tokens;
/// - all methods are safe to call from many threads at once.
public protocol AuthStore: BrowserStore, TwoFactorStore, HardeningStore, AdminStore {
    // MARK: Accounts
    func createAccount(_ account: NewAccount) throws -> Account
    func account(email: String) throws -> Account?
    func account(id: Int64) throws -> Account?
    func accounts() throws -> [Account]
    /// Returns false when no such account exists.
    @discardableResult
    func setConfirmed(accountID: Int64, _ confirmed: Bool) throws -> Bool
    @discardableResult
    func setActive(accountID: Int64, _ active: Bool) throws -> Bool
    /// Grants or takes back the administrators' pages; false when no such account exists.
    @discardableResult
    func setAdmin(accountID: Int64, _ admin: Bool) throws -> Bool
    @discardableResult
    func setPasswordHash(accountID: Int64, _ hash: String) throws -> Bool
    /// A new spelling of the account's address (and so its key); `StoreError.duplicateEmail`
    /// when another account has that key. False when there is no such account.
    @discardableResult
    func setEmail(accountID: Int64, _ email: String) throws -> Bool
    /// Removes unconfirmed accounts created before `createdBefore` (their links go with
    /// them); returns how many.
    @discardableResult
    func deleteUnconfirmedAccounts(createdBefore: Date) throws -> Int

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
}
