import Foundation

/// A key's counter as `ThrottleStore.countAttempt` left it.
public struct AttemptCounter: Sendable, Equatable {
    /// Attempts in the current window, this one included.
    public var count: Int
    /// The end of a block in force, if any.
    public var blockedUntil: Date?

    public init(count: Int, blockedUntil: Date?) {
        self.count = count
        self.blockedUntil = blockedUntil
    }
}
