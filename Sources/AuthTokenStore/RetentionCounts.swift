/// What one retention sweep removed, by kind.
public struct RetentionCounts: Sendable, Equatable {
    public var confirmationLinks = 0
    public var pendingSignIns = 0
    public var passkeyChallenges = 0
    public var passwordResets = 0
    public var activity = 0
    /// Daily-use rows (per token and per check answer) of days before the activity's cut-off.
    public var usageDays = 0
    public var throttleCounters = 0
    public var sessions = 0
    public var unconfirmedAccounts = 0

    public init() {}

    public var total: Int {
        confirmationLinks + pendingSignIns + passkeyChallenges + passwordResets + activity + usageDays + throttleCounters + sessions + unconfirmedAccounts
    }
}
