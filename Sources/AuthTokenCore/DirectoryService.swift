import AuthTokenStore
import Foundation

/// A person as the directory knows them, looked up by the address they typed.
struct DirectoryPerson: Sendable {
    let dn: String
    /// The entry's mail attribute, parsed (`EmailAddress`); nil when absent or not an address.
    let email: EmailAddress?
    let name: String
    let disabled: Bool
    let inRequiredGroup: Bool
    let admin: Bool

    /// May sign in and keep an active account.
    var mayUse: Bool { !disabled && inRequiredGroup }
}

/// What a search by address found.
enum DirectoryLookup: Sendable {
    case none, ambiguous
    case one(DirectoryPerson)
}

extension DirectoryService {
    /// The directory and its settings when directory sign-in is on (mode other than `local`).
    var configured: (directory: any Directory, settings: DirectorySettings)? {
        guard let directory = core.directory, let settings = settings.directory, settings.mode != .local else { return nil }
        return (directory, settings)
    }

    /// Whether the directory, not a local hash, decides `account`'s password (nil: an
    /// address no account has yet, which the directory may provision).
    func decides(_ account: Account?) -> Bool {
        guard let (_, settings) = configured else { return false }
        guard let account else { return true }
        return account.origin == .directory || settings.mode == .directory
    }

    /// Whether directory sign-in is on.
    public var isOn: Bool { configured != nil }

    /// The entry the user filter finds for `email`, with its state. Throws `DirectoryUnavailable`.
    func lookUp(_ email: String) throws -> DirectoryLookup {
        guard let (directory, settings) = configured else { return .none }
        let entries = try directory.search(
            base: settings.userBase, scope: .subtree, filter: DirectoryFilter.user(settings.userFilter, email: email),
            attributes: [settings.mailAttribute, settings.nameAttribute])
        guard entries.count <= 1 else { return .ambiguous }
        guard let entry = entries.first else { return .none }
        let disabled = try settings.disabledFilter.map {
            try !directory.search(base: entry.dn, scope: .base, filter: $0, attributes: ["1.1"]).isEmpty
        } ?? false
        let required = try settings.requiredGroup.map { try isMember(entry.dn, of: $0, directory) } ?? true
        let admin = try settings.adminGroup.map { try isMember(entry.dn, of: $0, directory) } ?? false
        return .one(DirectoryPerson(
            dn: entry.dn, email: entry.first(settings.mailAttribute).flatMap { try? EmailAddress(parsing: $0) },
            name: entry.first(settings.nameAttribute) ?? "", disabled: disabled, inRequiredGroup: required, admin: admin))
    }

    private func isMember(_ dn: String, of group: String, _ directory: any Directory) throws -> Bool {
        try !directory.search(base: group, scope: .base, filter: DirectoryFilter.member(dn), attributes: ["1.1"]).isEmpty
    }
}
