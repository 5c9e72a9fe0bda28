import Foundation

/// One activity-log entry to store. Callers pass only non-secret facts: never a password,
/// token, session id, code or TOTP secret.
public struct NewActivity: Sendable, Equatable {
    public var at: Date
    /// Nil for an e-mail address no account has.
    public var accountID: Int64?
    public var kind: ActivityKind
    public var address: String
    public var userAgent: String
    public var detail: String

    public init(at: Date, accountID: Int64?, kind: ActivityKind, address: String, userAgent: String, detail: String) {
        self.at = at
        self.accountID = accountID
        self.kind = kind
        self.address = address
        self.userAgent = userAgent
        self.detail = detail
    }
}

/// A stored activity-log entry.
public struct ActivityRecord: Sendable, Equatable {
    public var id: Int64
    public var entry: NewActivity

    public init(id: Int64, entry: NewActivity) {
        self.id = id
        self.entry = entry
    }
}
