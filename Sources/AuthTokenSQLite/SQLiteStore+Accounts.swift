import AuthTokenSQL
import AuthTokenStore
import GRDB

extension SQLiteStore {
    static let lockAccount = SQLStatement("SELECT 1 FROM account WHERE id = ?")

    /// The IMMEDIATE transaction holds the database's write lock from its start, so no
    /// other writer (thread or process) runs between the count and the insert; this only
    /// checks that the account exists.
    public func lockAccount(_ accountID: Int64, _ db: Database) throws {
        guard try db.row(Self.lockAccount, [.integer(accountID)]) != nil else { throw StoreError.noSuchAccount }
    }
}
