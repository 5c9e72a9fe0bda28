@_spi(Testing) import AuthTokenCore
import Synchronization

/// A directory in memory for the web layer's tests: people under one base, one
/// administrators' group, and a switch that makes it stop answering. What the real one
/// does (libldap against slapd) is tested in AuthTokenLDAPTests and through nginx.
final class MemoryDirectory: Directory {
    struct Person {
        var mail: String
        var name: String
        var password: String
        var admin: Bool
        var dn: String { "uid=\(mail.prefix { $0 != "@" }),ou=people,dc=example,dc=org" }
    }

    static let adminGroup = "cn=admins,ou=groups,dc=example,dc=org"
    private let people = Mutex<[Person]>([])
    private let stopped = Mutex(false)

    /// Directory and local accounts, the administrators' group set, the guard at `maxDeactivatePercent`.
    static func settings(maxDeactivatePercent: Int = 50) -> DirectorySettings {
        DirectorySettings(
            mode: .directoryAndLocal, url: "ldaps://directory.invalid", bindDN: "cn=search,dc=example,dc=org",
            bindPassword: "search-password", userBase: "ou=people,dc=example,dc=org", adminGroup: adminGroup,
            maxDeactivatePercent: maxDeactivatePercent)
    }

    func add(_ mail: String, _ name: String, password: String, admin: Bool = false) {
        people.withLock { $0.append(Person(mail: mail, name: name, password: password, admin: admin)) }
    }

    func remove(_ mail: String) {
        people.withLock { $0.removeAll { $0.mail == mail } }
    }

    /// Stops (true) or starts (false) answering.
    func stop(_ stop: Bool = true) {
        stopped.withLock { $0 = stop }
    }

    func search(base: String, scope: DirectoryScope, filter: String, attributes: [String]) throws -> [DirectoryEntry] {
        guard !stopped.withLock({ $0 }) else { throw DirectoryUnavailable("the test directory is stopped") }
        let all = people.withLock { $0 }
        switch scope {
        case .subtree:
            return all.filter { DirectoryFilter.user("(mail={email})", email: $0.mail) == filter }
                .map { DirectoryEntry(dn: $0.dn, attributes: ["mail": [$0.mail], "cn": [$0.name]]) }
        case .base:
            guard base == Self.adminGroup else { return [] }
            return all.filter { $0.admin && DirectoryFilter.member($0.dn) == filter }
                .map { _ in DirectoryEntry(dn: base, attributes: [:]) }
        }
    }

    func bind(dn: String, password: String) throws -> Bool {
        guard !stopped.withLock({ $0 }) else { throw DirectoryUnavailable("the test directory is stopped") }
        return people.withLock { $0.contains { $0.dn == dn && $0.password == password } }
    }
}
