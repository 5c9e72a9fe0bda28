import Foundation

/// Lets a periodic thread sleep between rounds and still stop at once: `sleep` returns early
/// when `stop()` is called.
public final class StopSignal: @unchecked Sendable {
    // Guarded by `condition`.
    private var stopped = false
    private let condition = NSCondition()

    public init() {}

    /// True once `stop()` was called.
    public var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopped
    }

    /// Waits `seconds`, or less if stopped meanwhile; returns false when stopped.
    public func sleep(_ seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        defer { condition.unlock() }
        while !stopped, condition.wait(until: deadline) {}
        return !stopped
    }

    public func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
