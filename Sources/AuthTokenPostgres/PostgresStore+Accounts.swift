import AuthTokenSQL
import AuthTokenStore

extension PostgresStore {
    static let lockAccount = SQLStatement("SELECT 1 FROM account WHERE id = ? FOR NO KEY UPDATE")

    /// Takes the account row's lock for the rest of the transaction. `FOR NO KEY UPDATE`
    /// makes every other cap check for this account (in any process) wait until this one
    /// commits, and its count, a new snapshot, then sees the new row. It does not block
    /// foreign-key checks (`FOR KEY SHARE`), so sessions and the like are not held up.
    public func lockAccount(_ accountID: Int64, _ connection: PostgresConnection) throws {
        guard try connection.row(Self.lockAccount, [.integer(accountID)]) != nil else { throw StoreError.noSuchAccount }
    }
}
