import AuthTokenStore
import Foundation

/// What one directory sync found and did.
public struct DirectorySyncReport: Sendable, Equatable {
    /// Directory accounts looked up.
    public var checked = 0
    /// `address (reason)` of each account deactivated (or, in a dry run or a refused run, to be).
    public var deactivated: [String] = []
    /// Addresses of the accounts activated again.
    public var reactivated: [String] = []
    /// `address: admin granted` or `address: admin taken back`.
    public var adminChanges: [String] = []
    /// Why nothing was changed: the mass-deactivation guard; nil when the run applied its changes.
    public var refused: String?
    public var dryRun = false

    public init() {}

    /// One line for logs and the CLI.
    public var summary: String {
        let verb = dryRun ? "would deactivate" : "deactivated"
        var line = "checked \(checked) directory accounts; \(verb) \(deactivated.count), "
            + "\(dryRun ? "would reactivate" : "reactivated") \(reactivated.count), admin changes \(adminChanges.count)"
        if let refused { line += "; REFUSED: \(refused)" }
        return line
    }
}

extension DirectoryService {
    /// Compares every directory account with its entry, then (unless `dryRun`) deactivates
    /// those whose entry is gone, disabled, out of the required group or no longer has the
    /// account's address; activates again those that are back; and follows the
    /// administrators' group. Every lookup is made before any change, so a directory that
    /// stops answering half-way changes nothing (`DirectoryUnavailable` is thrown). More
    /// deactivations than `maxDeactivatePercent` of the directory accounts, and nothing is
    /// changed (`force` lifts that guard). Each change is logged to the account's activity
    /// and to the administrators' audit trail. A deactivated account's tokens and sessions
    /// stop at once (the check and the session read `active`).
    ///
    /// A run that is not a dry run is kept as the last sync (`lastSync`), refused or failed
    /// too (a failure by its error class only), for the administrators' pages of every instance.
    public func sync(dryRun: Bool, force: Bool = false, client: Client) throws -> DirectorySyncReport {
        guard let (_, config) = configured else { throw DirectoryUnavailable("directory sign-in is off (AUTHTOKEN_DIRECTORY_MODE)") }
        guard !dryRun else { return try compare(config, dryRun: true, force: force, client: client) }
        let report: DirectorySyncReport
        do {
            report = try compare(config, dryRun: false, force: force, client: client)
        } catch {
            // Kept if the store can take it; the error is the caller's either way.
            try? store.recordDirectorySync(DirectorySyncRecord(
                at: now(), outcome: .failed, errorClass: String(describing: type(of: error))))
            throw error
        }
        try store.recordDirectorySync(DirectorySyncRecord(
            at: now(), outcome: report.refused == nil ? .applied : .refused, checked: report.checked,
            deactivated: report.deactivated.count, reactivated: report.reactivated.count,
            adminChanges: report.adminChanges.count))
        return report
    }

    /// The last sync kept (any instance's, or the CLI's); nil before the first.
    public func lastSync() throws -> DirectorySyncRecord? {
        try store.lastDirectorySync()
    }

    /// Whether the administrators' group decides `account`'s admin role: a directory
    /// account while a group is configured. Sign-in and the sync then write the role from
    /// the group (`Account.admin`), and the pages say where it comes from.
    public func groupDecidesAdmin(_ account: Account) -> Bool {
        account.origin == .directory && configured?.settings.adminGroup != nil
    }

    private func compare(_ config: DirectorySettings, dryRun: Bool, force: Bool, client: Client) throws -> DirectorySyncReport {
        var report = DirectorySyncReport()
        report.dryRun = dryRun
        let accounts = try store.accounts().filter { $0.origin == .directory }
        var deactivate: [(Account, String)] = []
        var reactivate: [Account] = []
        var admins: [(Account, Bool)] = []
        for account in accounts {
            report.checked += 1
            let reason: String?
            switch try lookUp(account.email) {
            case .none: reason = "entry gone"
            case .ambiguous: reason = "several entries match"
            case .one(let person):
                if person.disabled {
                    reason = "disabled in the directory"
                } else if !person.inRequiredGroup {
                    reason = "not in the required group"
                } else if person.email.map({ Account.key(forEmail: $0.value) }) != account.emailKey {
                    reason = "the entry's mail changed"
                } else {
                    reason = nil
                    if groupDecidesAdmin(account), person.admin != account.admin { admins.append((account, person.admin)) }
                }
            }
            if let reason, account.active { deactivate.append((account, reason)) }
            if reason == nil, !account.active { reactivate.append(account) }
        }
        report.deactivated = deactivate.map { "\($0.0.email) (\($0.1))" }
        report.reactivated = reactivate.map(\.email)
        report.adminChanges = admins.map { "\($0.0.email): \($0.1 ? "admin granted" : "admin taken back")" }
        if !force, deactivate.count * 100 > config.maxDeactivatePercent * accounts.count {
            report.refused = "\(deactivate.count) of \(accounts.count) directory accounts would be deactivated, more than "
                + "AUTHTOKEN_DIRECTORY_MAX_DEACTIVATE_PERCENT (\(config.maxDeactivatePercent)%); nothing changed "
                + "(check the directory and the filter, then run authtoken-admin directory sync --force)"
        }
        guard !dryRun, report.refused == nil else {
            if let refused = report.refused, !dryRun {
                try log(.adminAudit, accountID: nil, client: client, detail: "directory sync refused: \(refused)")
            }
            return report
        }
        for (account, reason) in deactivate {
            try store.setActive(accountID: account.id, false)
            try record(account, "deactivated (\(reason))", client)
        }
        for account in reactivate {
            try store.setActive(accountID: account.id, true)
            try record(account, "activated again (the entry is back)", client)
        }
        for (account, admin) in admins {
            try store.setAdmin(accountID: account.id, admin)
            try record(account, admin ? "admin granted (administrators' group)" : "admin taken back (administrators' group)", client)
        }
        return report
    }

    /// Admin: makes the local account with this address a directory account, after the
    /// directory confirmed the person may use authtoken and has this very address. Its local
    /// password is dropped; its tokens, two-factor and application passwords stay.
    public func link(email: String, client: Client) throws -> Account {
        let address = try Self.address(email)
        guard let account = try store.account(email: address.value) else { throw AccountError.noSuchUser }
        guard account.origin == .local else { throw DirectoryLinkError.alreadyLinked }
        guard configured != nil else { throw DirectoryUnavailable("directory sign-in is off (AUTHTOKEN_DIRECTORY_MODE)") }
        guard case .one(let person) = try lookUp(address.value) else { throw DirectoryLinkError.notOneEntry }
        guard person.mayUse else { throw DirectoryLinkError.mayNotSignIn }
        guard person.email.map({ Account.key(forEmail: $0.value) }) == account.emailKey else { throw DirectoryLinkError.otherMail }
        try store.setOrigin(accountID: account.id, .directory)
        try store.setPasswordHash(accountID: account.id, Account.noPassword)
        try record(account, "linked to the directory entry \(person.dn); local password removed", client)
        var linked = account
        linked.origin = .directory
        linked.passwordHash = Account.noPassword
        return linked
    }

    private func record(_ account: Account, _ what: String, _ client: Client) throws {
        try log(.admin, accountID: account.id, client: client, detail: "directory: \(what)")
        try log(.adminAudit, accountID: nil, client: client, detail: "directory: \(what): \(account.email) (account \(account.id))")
    }
}

public enum DirectoryLinkError: Error, Equatable, CustomStringConvertible {
    case alreadyLinked, notOneEntry, mayNotSignIn, otherMail

    public var description: String {
        switch self {
        case .alreadyLinked: "the account is a directory account already"
        case .notOneEntry: "the directory has no single entry for this address"
        case .mayNotSignIn: "the directory entry is disabled or not in the required group"
        case .otherMail: "the directory entry's mail is not this address"
        }
    }
}
