/// The few LDAP operations the core needs, so that it does not import libldap: the
/// implementation is `LDAPDirectory` (module `AuthTokenLDAP`), made in `main.swift`.
///
/// Every call opens its own connection with the configured timeouts and TLS, and throws
/// `DirectoryUnavailable` for anything but an answer: a refused connection, a timeout, a
/// certificate that does not verify, a server error. Values are never logged by it.
public protocol Directory: Sendable {
    /// The entries `filter` finds under `base` (`scope`), with `attributes`, as the search
    /// account (the configured bind DN and password).
    func search(base: String, scope: DirectoryScope, filter: String, attributes: [String]) throws -> [DirectoryEntry]
    /// Binds as `dn` with `password` on a connection of its own: true when the directory
    /// accepts it, false when it answers "invalid credentials". The core never calls it
    /// with an empty password (an unauthenticated bind succeeds on many servers).
    func bind(dn: String, password: String) throws -> Bool
}

public enum DirectoryScope: Sendable {
    /// The base entry alone (a membership or "disabled" test on one DN).
    case base
    /// The base and everything under it.
    case subtree
}

/// One entry a search found: its DN and the values of the attributes asked for.
public struct DirectoryEntry: Sendable, Equatable {
    public var dn: String
    public var attributes: [String: [String]]

    public init(dn: String, attributes: [String: [String]]) {
        self.dn = dn
        self.attributes = attributes
    }

    /// The first value of `name`, matched without regard to case (LDAP names are not).
    public func first(_ name: String) -> String? {
        attributes.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value.first
    }
}

/// The directory did not answer: no connection, a timeout, TLS refused, a server error.
/// Sign-in answers as for a full password queue; the sync stops and changes nothing.
public struct DirectoryUnavailable: Error, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "directory unavailable: \(reason)" }
}
