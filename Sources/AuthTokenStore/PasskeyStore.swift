import Foundation

/// Passkeys (WebAuthn credentials) and the single-use challenges their ceremonies answer.
///
/// Rules a backend must keep:
/// - `insertPasskey` counts and inserts atomically, so parallel calls never pass `limit`;
///   a credential id is registered once across every account;
/// - `usePasskey` moves the counter only from the value the caller verified against, so two
///   sign-ins with one answer cannot both pass;
/// - `takeChallenge` deletes what it accepts, atomically: a challenge works at most once;
/// - `disableTwoFactor` (TwoFactorStore) removes the account's passkeys and challenges too.
public protocol PasskeyStore: Sendable {
    /// Throws `StoreError.passkeyLimitReached` when the account holds `limit` already and
    /// `StoreError.duplicateCredential` when the credential id is registered, changing nothing.
    func insertPasskey(
        accountID: Int64, credentialID: [UInt8], publicKey: [UInt8], signCount: Int64, name: String, createdAt: Date,
        limit: Int
    ) throws -> PasskeyRecord
    /// The account's passkeys, oldest first.
    func passkeys(accountID: Int64) throws -> [PasskeyRecord]
    func passkeyCount(accountID: Int64) throws -> Int
    /// The account's passkey with this credential id: another account's is never found.
    func passkey(accountID: Int64, credentialID: [UInt8]) throws -> PasskeyRecord?
    @discardableResult
    func renamePasskey(id: Int64, accountID: Int64, name: String) throws -> Bool
    @discardableResult
    func deletePasskey(id: Int64, accountID: Int64) throws -> Bool
    /// Sets the counter to `newSignCount` and the last use to `at` only while it is still
    /// `oldSignCount`; false otherwise (another sign-in got there first).
    func usePasskey(id: Int64, oldSignCount: Int64, newSignCount: Int64, at: Date) throws -> Bool

    // MARK: Challenges
    func storePasskeyChallenge(digest: String, accountID: Int64, purpose: String, expiresAt: Date) throws
    /// Deletes the challenge; true when it existed for this account and purpose and had
    /// not expired at `now`.
    func takePasskeyChallenge(digest: String, accountID: Int64, purpose: String, now: Date) throws -> Bool
}
