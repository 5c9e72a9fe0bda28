import Foundation

/// How many failures within which time block a key, and for how long.
public struct ThrottleRule: Sendable, Equatable {
    public var maxFailures: Int
    public var window: TimeInterval
    public var blockFor: TimeInterval

    /// 10 failures within 10 minutes block for 10 minutes: slow enough to stop guessing,
    /// short enough that a person who mistyped waits only a coffee break.
    public init(maxFailures: Int = 10, window: TimeInterval = 600, blockFor: TimeInterval = 600) {
        self.maxFailures = maxFailures
        self.window = window
        self.blockFor = blockFor
    }
}
