import AuthTokenStore
import Foundation

/// The throttle every password or code check goes through. Attempts are counted twice:
/// against the account (one person's password guessed from many addresses) and against
/// the client address (one machine guessing many accounts, including e-mail addresses no
/// account has). The policy lives here; the store keeps the counters.
///
/// An attempt with one of the account's application passwords (found by its keyed digest,
/// so only someone holding that value gets here) is counted on the account's application-
/// password budget instead of the account's: guesses, which name no application password,
/// block the main password and not the scripts of an owner who has one.
extension Throttle {
    static func accountKey(_ id: Int64) -> String { "account:\(id)" }
    static func appPasswordsKey(_ id: Int64) -> String { "app-passwords:\(id)" }
    static func addressKey(_ address: String) -> String { "address:" + ThrottleAddress.key(address) }
    /// An address no account has yet, which the directory may know (directory sign-in).
    static func directoryKey(_ address: EmailAddress) -> String { "directory:" + address.value.lowercased() }

    /// What came of a throttled check.
    public enum Outcome: Equatable, Sendable {
        case passed, failed, blocked
    }

    /// Counts the attempt before `check` runs, atomically in the store, so N parallel
    /// attempts against a limit L run at most L checks: a key's attempts are those being
    /// checked plus those that failed in the window. When the address or the account is
    /// blocked, or the limit is full, `check` does not run: no hash is spent. A success
    /// (or an error, such as `PasswordWorkBusy`) takes the attempt back; a failure keeps
    /// it and is counted as a failure, and the failure that reaches the limit starts the
    /// block at once. A success never lifts a block. Each block writes one activity entry.
    ///
    /// `device`: the nonce of a valid device cookie for this account (`DeviceCookie`). Then
    /// only that device's counter is used, with its own smaller limit: failures made
    /// elsewhere, against the account or from the same address, do not stop a browser the
    /// owner signed in with before.
    ///
    /// `appPassword`: the value names one of the account's application passwords; then the
    /// account's application-password counter stands in for the account's (same limit).
    ///
    /// `subject`: for an address no account has yet that a directory may know
    /// (`directory:<address>`), the counter that stands in for the account's (same limit).
    @_spi(Testing) public func attempt(
        accountID: Int64?, client: Client, device: String? = nil, appPassword: Bool = false, subject: String? = nil,
        _ check: () throws -> Bool
    ) throws -> Outcome {
        // A full password queue refuses now, before the counters cost a write each.
        guard hasher.queue.hasRoom else {
            hasher.queue.countRefusal()
            throw PasswordWorkBusy()
        }
        var keys: [ThrottleKey] = []
        if let device {
            keys.append(ThrottleKey(key: "device:" + device, what: "known browser", limit: settings.throttle.deviceMaxFailures))
        } else {
            let limit = settings.throttle.maxFailures
            if !client.address.isEmpty {
                keys.append(ThrottleKey(key: Self.addressKey(client.address), what: "client address", limit: limit))
            }
            if accountID == nil, let subject {
                keys.append(ThrottleKey(key: subject, what: "directory address", limit: limit))
            }
            if let accountID {
                keys.append(appPassword
                    ? ThrottleKey(key: Self.appPasswordsKey(accountID), what: "application passwords", limit: limit)
                    : ThrottleKey(key: Self.accountKey(accountID), what: "account", limit: limit))
            }
        }

        var counted: [ThrottleKey] = []
        for key in keys {
            let counter = try store.countAttempt(key: key.key, now: now(), window: settings.throttle.window)
            if counter.blockedUntil != nil {
                try refund(counted)
                return .blocked
            }
            counted.append(key)
            // Failures and attempts still being checked fill the limit: this one waits its
            // turn (refused, not counted), and starts no block, since nothing failed.
            if counter.count > key.limit {
                try refund(counted)
                return .blocked
            }
        }
        let passed: Bool
        do {
            passed = try check()
        } catch {
            try? refund(counted)
            throw error
        }
        if passed {
            try refund(counted)
            return .passed
        }
        for key in counted where try store.recordFailure(key: key.key, now: now()) >= key.limit {
            try block(key, accountID: accountID, client: client)
        }
        return .failed
    }

    /// A counter the throttle keeps, and how the activity log names it.
    private struct ThrottleKey {
        let key: String
        let what: String
        let limit: Int
    }

    private func refund(_ counted: [ThrottleKey]) throws {
        for key in counted { try store.refundAttempt(key: key.key) }
    }

    /// Starts the key's block unless one is in force; only the call that starts it logs it.
    private func block(_ key: ThrottleKey, accountID: Int64?, client: Client) throws {
        let until = now() + settings.throttle.blockFor
        guard try store.startBlock(key: key.key, until: until, now: now()) else { return }
        core.blocksStarted.add(1, ordering: .relaxed)
        try log(.blocked, accountID: accountID, client: client, detail: "\(key.what), until \(Self.stamp(until))")
    }

    /// Admin: lifts an account's blocks (its own and its application passwords') and
    /// forgets their attempts.
    @discardableResult
    public func unblock(accountID: Int64) throws -> Bool {
        let account = try store.clearFailures(key: Self.accountKey(accountID))
        let appPasswords = try store.clearFailures(key: Self.appPasswordsKey(accountID))
        return account || appPasswords
    }

    /// Admin: lifts the block of an address no account has yet, counted by directory sign-in
    /// (`directoryKey`), and forgets its attempts. False when there was nothing to forget
    /// (or the address does not parse).
    @discardableResult
    public func unblock(directoryAddress: String) throws -> Bool {
        guard let address = try? EmailAddress(parsing: directoryAddress) else { return false }
        return try store.clearFailures(key: Self.directoryKey(address))
    }

    /// Admin: lifts a client address's block (an IPv6 address: its /64) and forgets its attempts.
    @discardableResult
    public func unblock(address: String) throws -> Bool {
        try store.clearFailures(key: Self.addressKey(address))
    }

    static func stamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
