import Foundation

/// What the administrators' pages need from a backend: lists across every account,
/// filtered and paged by offset (each order ends on a unique id, so pages are stable).
/// `AuthStore` refines it; it has its own file so the feature stays readable on its own.
///
/// Rules a backend must keep:
/// - every list is one indexed query, whatever the number of accounts and tokens;
/// - `deleteTokens(_:expected:)` and `deleteAppPasswords(ownerID:unusedSince:expected:)`
///   count and delete in one transaction, and delete nothing unless the count is still
///   `expected` (what the confirmation page said);
/// - nothing here returns a password hash to show: the callers show names and hints only.
public protocol AdminStore: Sendable {
    func accountList(_ filter: AccountFilter, limit: Int, offset: Int) throws -> [AccountListing]
    func accountCount(_ filter: AccountFilter) throws -> Int

    func tokenInventory(_ filter: TokenFilter, sort: TokenSort, limit: Int, offset: Int) throws -> [InventoryToken]
    /// How many tokens the filter matches, counting no further than `atMost` (nil: all).
    func tokenCount(_ filter: TokenFilter, atMost: Int?) throws -> Int
    /// Deletes every token the filter matches when they are exactly `expected` many, and
    /// returns them; nil, and nothing deleted, when the count differs.
    func deleteTokens(_ filter: TokenFilter, expected: Int) throws -> [TokenRecord]?
    /// The token with this id, whoever owns it.
    func token(id: Int64) throws -> TokenRecord?

    /// Application passwords, newest first, of one owner or everyone; with `unusedSince`,
    /// only those that last got a token before it (or never did and were made before it).
    func appPasswordInventory(ownerID: Int64?, unusedSince: Date?, limit: Int, offset: Int) throws
        -> [InventoryAppPassword]
    func appPasswordCount(ownerID: Int64?, unusedSince: Date?) throws -> Int
    /// Deletes every application password the filter matches when they are exactly
    /// `expected` many, and returns them by id; nil, and nothing deleted, when the count
    /// differs. The tokens they got stay, as when one is revoked (`deleteAppPassword`).
    func deleteAppPasswords(ownerID: Int64?, unusedSince: Date?, expected: Int) throws -> [AppPasswordRecord]?

    /// Activity entries across accounts, newest first.
    func activity(_ filter: ActivityFilter, limit: Int, offset: Int) throws -> [ActivityRecord]
}
