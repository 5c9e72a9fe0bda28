import Foundation

/// The throttle's policy: how many failed attempts within which time block a key, and
/// for how long. The store only keeps the counters (`ThrottleStore`).
///
/// An attempt is counted before its password or code is checked, and taken back when it
/// succeeds; so a key's attempts are its failures plus the attempts still being checked,
/// and N parallel guesses against a limit L check at most L (the others are refused
/// without a check). Only failures start a block: `maxFailures` of them in `window`.
public struct ThrottleRule: Sendable, Equatable {
    public var maxFailures: Int
    public var window: TimeInterval
    public var blockFor: TimeInterval
    /// The budget of a browser with a device cookie (`DeviceCookie`): its own failures
    /// only, counted apart from the account's and the address's.
    public var deviceMaxFailures: Int

    /// 10 failures within 10 minutes block for 10 minutes: slow enough to stop guessing,
    /// short enough that a person who mistyped waits only a coffee break.
    public init(maxFailures: Int = 10, window: TimeInterval = 600, blockFor: TimeInterval = 600, deviceMaxFailures: Int = 5) {
        self.maxFailures = maxFailures
        self.window = window
        self.blockFor = blockFor
        self.deviceMaxFailures = deviceMaxFailures
    }
}
