import AuthTokenStore
import Foundation

/// Throttling failed sign-ins. Failures are counted twice: against the account (someone
/// guessing one person's password from many addresses) and against the client address
/// (one machine guessing many accounts, including e-mail addresses no account has). A
/// success clears the account's count only: an attacker's one good password must not
/// wipe the record of everything else their address tried.
extension AuthService {
    static func accountKey(_ id: Int64) -> String { "account:\(id)" }
    static func addressKey(_ address: String) -> String { "address:\(address)" }

    /// True when the address, or the account when given, is blocked now. Checked before
    /// any password is hashed, so a block also saves the CPU an attack would cost.
    func isBlocked(accountID: Int64?, client: Client) throws -> Bool {
        let time = now()
        if !client.address.isEmpty,
           try store.blockedUntil(key: Self.addressKey(client.address), now: time) != nil { return true }
        if let accountID, try store.blockedUntil(key: Self.accountKey(accountID), now: time) != nil { return true }
        return false
    }

    /// Counts one failure against the address and, when known, the account, and writes a
    /// `blocked` entry to the activity log for each block this failure started.
    func countFailure(accountID: Int64?, client: Client) throws {
        let time = now()
        let rule = settings.throttle
        if !client.address.isEmpty,
           let until = try store.recordFailure(key: Self.addressKey(client.address), now: time, rule: rule)
        {
            try log(.blocked, accountID: accountID, client: client, detail: "client address, until \(Self.stamp(until))")
        }
        if let accountID, let until = try store.recordFailure(key: Self.accountKey(accountID), now: time, rule: rule) {
            try log(.blocked, accountID: accountID, client: client, detail: "account, until \(Self.stamp(until))")
        }
    }

    /// A right password clears the account's count (not the address's).
    func passwordSucceeded(accountID: Int64) throws {
        try store.clearFailures(key: Self.accountKey(accountID))
    }

    /// Admin: lifts an account's block and forgets its failures.
    @discardableResult
    public func unblock(accountID: Int64) throws -> Bool {
        try store.clearFailures(key: Self.accountKey(accountID))
    }

    /// Admin: lifts a client address's block and forgets its failures.
    @discardableResult
    public func unblock(address: String) throws -> Bool {
        try store.clearFailures(key: Self.addressKey(address))
    }

    static func stamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
