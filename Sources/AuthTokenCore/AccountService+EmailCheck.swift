import AuthTokenStore

/// Accounts made before `EmailAddress` decided what an address is: brought to the form it
/// gives (NFKC, IDNA domain, lower-case domain), once, at server start and by
/// `authtoken-admin user check-emails`. Nothing is merged: an account whose address now
/// means the same as another's keeps its old spelling and is reported, as is one whose
/// address the rules refuse (an administrator renames or removes it; until then it cannot
/// sign in, since what people type is parsed first).
extension AccountService {
    public struct EmailCheck: Sendable {
        /// Accounts whose address was rewritten: (id, old, new).
        public var rewritten: [(id: Int64, old: String, new: String)] = []
        /// Accounts left as they were because another account has the new form: (id, other id).
        public var collisions: [(id: Int64, with: Int64)] = []
        /// Accounts whose address the rules refuse: (id, address, why).
        public var refused: [(id: Int64, email: String, reason: EmailAddress.Refusal)] = []
    }

    public func checkStoredEmails() throws -> EmailCheck {
        var report = EmailCheck()
        for account in try store.accounts() {
            let address: EmailAddress
            do { address = try EmailAddress(parsing: account.email) } catch {
                report.refused.append((account.id, account.email, error))
                continue
            }
            guard address.value != account.email else { continue }
            do {
                try store.setEmail(accountID: account.id, address.value)
                report.rewritten.append((account.id, account.email, address.value))
            } catch StoreError.duplicateEmail {
                let other = try store.account(email: address.value)
                report.collisions.append((account.id, other?.id ?? 0))
            }
        }
        return report
    }
}
