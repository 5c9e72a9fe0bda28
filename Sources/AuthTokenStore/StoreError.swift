/// Errors every backend reports in the same terms, so the core never sees a driver error
/// for the cases it must handle.
public enum StoreError: Error, Equatable, Sendable {
    /// An account with the same e-mail key already exists.
    case duplicateEmail
    /// The account already holds `limit` tokens; nothing was inserted.
    case tokenLimitReached(limit: Int)
    /// The account already holds `limit` application passwords; nothing was inserted.
    case appPasswordLimitReached(limit: Int)
    /// The account already holds `limit` passkeys; nothing was inserted.
    case passkeyLimitReached(limit: Int)
    /// The passkey's credential id is registered already (to this or another account).
    case duplicateCredential
    /// The account id does not exist.
    case noSuchAccount
}
