import Foundation

/// Sign-in against an LDAP directory (OpenLDAP, 389 DS, Active Directory) and its sync;
/// see docs/directory.md. Built and validated by the configuration module
/// (`AUTHTOKEN_DIRECTORY_*`); nil in `AuthSettings` when the mode is `local`.
public struct DirectorySettings: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// Local accounts only: the directory is not used (the default).
        case local
        /// Directory people sign in with their directory password; local accounts keep theirs.
        case directoryAndLocal = "directory+local"
        /// Only directory accounts sign in with a password; local accounts are refused.
        case directory
    }

    public var mode: Mode
    /// `ldaps://host:port` (TLS from the first byte) or `ldap://host:port` (always StartTLS).
    public var url: String
    /// PEM file of the CA that signed the directory's certificate; nil: the system's CAs.
    public var caFile: String?
    /// Whether the directory's certificate must verify (on unless turned off explicitly).
    public var verifyCertificate: Bool
    /// The search account, and its password (read from a 0600 file at start).
    public var bindDN: String
    public var bindPassword: String
    /// Where people are searched, and the filter that finds one by `{email}`.
    public var userBase: String
    public var userFilter: String
    public var mailAttribute: String
    public var nameAttribute: String
    /// Members of this group (`member`) are administrators here; nil: the directory makes none.
    public var adminGroup: String?
    /// Only members of this group may sign in; nil: everyone the filter finds.
    public var requiredGroup: String?
    /// An entry this filter matches (tested on the entry alone) is disabled, e.g.
    /// `(pwdAccountLockedTime=*)` or AD's `(userAccountControl:1.2.840.113556.1.4.803:=2)`.
    public var disabledFilter: String?
    public var connectTimeout: TimeInterval
    public var operationTimeout: TimeInterval
    /// Seconds between two syncs (the first runs at start).
    public var syncPeriod: TimeInterval
    /// The most directory accounts, in percent, one sync may deactivate; more and it
    /// deactivates none and says so.
    public var maxDeactivatePercent: Int

    public init(
        mode: Mode, url: String, caFile: String? = nil, verifyCertificate: Bool = true,
        bindDN: String, bindPassword: String, userBase: String, userFilter: String = "(mail={email})",
        mailAttribute: String = "mail", nameAttribute: String = "cn", adminGroup: String? = nil,
        requiredGroup: String? = nil, disabledFilter: String? = nil, connectTimeout: TimeInterval = 3,
        operationTimeout: TimeInterval = 5, syncPeriod: TimeInterval = 900, maxDeactivatePercent: Int = 10
    ) {
        self.mode = mode
        self.url = url
        self.caFile = caFile
        self.verifyCertificate = verifyCertificate
        self.bindDN = bindDN
        self.bindPassword = bindPassword
        self.userBase = userBase
        self.userFilter = userFilter
        self.mailAttribute = mailAttribute
        self.nameAttribute = nameAttribute
        self.adminGroup = adminGroup
        self.requiredGroup = requiredGroup
        self.disabledFilter = disabledFilter
        self.connectTimeout = connectTimeout
        self.operationTimeout = operationTimeout
        self.syncPeriod = syncPeriod
        self.maxDeactivatePercent = maxDeactivatePercent
    }

    /// StartTLS is used for `ldap://`: the directory is never spoken to in clear text.
    public var startTLS: Bool { url.lowercased().hasPrefix("ldap://") }
}
