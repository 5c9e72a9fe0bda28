import Foundation

/// Two-factor sign-in (TOTP secrets and recovery codes) and application-specific passwords.
///
/// Rules a backend must keep:
/// - `acceptStep` compares and stores the step in one atomic step, so one code cannot be
///   accepted twice even by two requests at the same moment;
/// - `useRecoveryCode` deletes what it accepts, atomically, so each code works at most once;
/// - `insertAppPassword` counts and inserts atomically, so parallel calls never pass `limit`.
public protocol TwoFactorStore: Sendable {
    // MARK: TOTP
    func twoFactor(accountID: Int64) throws -> TwoFactorRecord?
    /// Stores a new, not yet enabled secret; replaces an earlier unconfirmed one. Does
    /// nothing (returns false) when two-factor is already on.
    @discardableResult
    func storePendingTwoFactor(accountID: Int64, sealedSecret: [UInt8]) throws -> Bool
    /// Turns on the pending secret `sealedSecret`, the one whose code was checked, with
    /// `step` as its first used step: a compare-and-set in one statement, so a secret
    /// another session stored meanwhile (`storePendingTwoFactor`) is never the one turned
    /// on. In the same transaction it replaces the recovery codes with `recoveryDigests` and
    /// ends every session of the account but `keepSession` (a digest), as a new password
    /// does. False, changing nothing, when that secret is not (or no longer) pending.
    @discardableResult
    func enableTwoFactor(
        accountID: Int64, sealedSecret: [UInt8], step: Int64, recoveryDigests: [String], keepSession: String?
    ) throws -> Bool
    /// Removes the secret, the recovery codes and pending sign-ins. False when there was nothing.
    @discardableResult
    func disableTwoFactor(accountID: Int64) throws -> Bool
    /// The same secret sealed again (a key rotation): replaces `old` only if it is still the
    /// stored one, so a concurrent change is never overwritten. False otherwise.
    @discardableResult
    func resealTwoFactor(accountID: Int64, old: [UInt8], new: [UInt8]) throws -> Bool
    /// Records `step` as used when it is later than the last used one; false for a replay.
    func acceptStep(accountID: Int64, step: Int64) throws -> Bool

    // MARK: Recovery codes
    /// Deletes the account's recovery code with this digest; false when there is none.
    func useRecoveryCode(accountID: Int64, digest: String) throws -> Bool
    func recoveryCodeCount(accountID: Int64) throws -> Int
    /// Stores `digests` as the account's recovery codes when it has none, in one atomic
    /// step (two parallel calls never both add); false, changing nothing, when it has some.
    @discardableResult
    func addRecoveryCodesIfNone(accountID: Int64, digests: [String]) throws -> Bool

    // MARK: Application-specific passwords
    /// Inserts it unless the account holds `limit` already, in which case it throws
    /// `StoreError.appPasswordLimitReached` and changes nothing; one atomic step, like
    /// `insertToken(_:limit:)`. `lookupDigest` is unique per account.
    func insertAppPassword(
        accountID: Int64, name: String, passwordHash: String, lookupDigest: String, createdAt: Date, limit: Int
    ) throws -> AppPasswordRecord
    func appPasswords(accountID: Int64) throws -> [AppPasswordRecord]
    /// The account's application password with this lookup digest: one indexed read.
    func appPassword(accountID: Int64, lookupDigest: String) throws -> AppPasswordRecord?
    @discardableResult
    func deleteAppPassword(id: Int64, accountID: Int64) throws -> Bool
    func touchAppPassword(id: Int64, at: Date) throws
    /// A new look-up digest for the same application password (a key rotation).
    func setAppPasswordLookup(id: Int64, lookupDigest: String) throws
}
