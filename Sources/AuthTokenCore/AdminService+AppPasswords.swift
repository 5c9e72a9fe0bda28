import AuthTokenStore
import Foundation

/// Application passwords of every account on the administrators' pages: the list, the CSV,
/// one revoked, or every one a filter matches after a confirmation that says how many.
/// Revoking deletes the password and nothing else: the tokens it got stay, as when its owner
/// revokes it (tokens are permanent; the inventory names their password "(revoked)").
extension AdminService {
    public func appPasswordInventory(ownerID: Int64?, unusedSince: Date?, page: Int) throws
        -> (rows: [InventoryAppPassword], total: Int)
    {
        (try store.appPasswordInventory(ownerID: ownerID, unusedSince: unusedSince, limit: Self.adminPageSize,
                                        offset: Self.offset(page)),
         try store.appPasswordCount(ownerID: ownerID, unusedSince: unusedSince))
    }

    /// Every application password the filter matches, for the CSV download.
    public func allAppPasswords(ownerID: Int64?, unusedSince: Date?) throws -> [InventoryAppPassword] {
        try store.appPasswordInventory(ownerID: ownerID, unusedSince: unusedSince, limit: Int(Int32.max), offset: 0)
    }

    /// Revokes an application password of `accountID`; false when it is already gone.
    public func revokeAppPassword(id: Int64, accountID: Int64, admin: Account, client: Client) throws -> Bool {
        guard let owner = try store.account(id: accountID),
              let record = try store.appPasswords(accountID: accountID).first(where: { $0.id == id }),
              try store.deleteAppPassword(id: id, accountID: accountID)
        else { return false }
        try audit(admin: admin, client: client, target: owner,
                  "revoked the application password #\(id) “\(record.name)”", kind: .appPasswordRevoked)
        return true
    }

    /// The exact number of application passwords the filter matches (the bulk revocation's
    /// confirmation).
    public func appPasswordCount(ownerID: Int64?, unusedSince: Date?) throws -> Int {
        try store.appPasswordCount(ownerID: ownerID, unusedSince: unusedSince)
    }

    /// Revokes every application password the filter matches when they are still `expected`
    /// many (what the confirmation said); nil, and nothing revoked, when the number changed
    /// meanwhile. Each owner's activity gets one entry naming how many of theirs went (the
    /// first five by number and name), the administrator's audit trail one with the count
    /// and the filter (`described`).
    public func revokeAppPasswords(ownerID: Int64?, unusedSince: Date?, expected: Int, described: String,
                                   admin: Account, client: Client) throws -> Int?
    {
        guard let passwords = try store.deleteAppPasswords(ownerID: ownerID, unusedSince: unusedSince, expected: expected)
        else { return nil }
        for (owner, theirs) in Dictionary(grouping: passwords, by: \.accountID).sorted(by: { $0.key < $1.key }) {
            let names = theirs.prefix(5).map { "#\($0.id) “\($0.name)”" }.joined(separator: ", ")
            try log(.appPasswordRevoked, accountID: owner, client: client, detail: "by an administrator (\(admin.email)): "
                + "\(theirs.count) revoked at once: \(names)\(theirs.count > 5 ? ", …" : "")")
        }
        try log(.adminAudit, accountID: admin.id, client: client,
                detail: "revoked \(passwords.count) application passwords at once (\(described))")
        return passwords.count
    }
}
