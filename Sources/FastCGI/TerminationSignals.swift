import Glibc

/// SIGTERM and SIGINT, blocked in every thread and taken synchronously with `sigwait`.
///
/// Blocking them before any worker starts means the signal never interrupts a worker
/// (nor runs libfcgi's flag-setting handler); the main thread receives it as a plain
/// event and can shut down in order.
public struct TerminationSignals: Sendable {
    private nonisolated(unsafe) var set = sigset_t()

    /// Blocks the signals in the calling thread and every thread it starts afterwards.
    /// Call it first thing in `main`, before the Swift runtime starts any thread.
    public init() {
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Waits until SIGTERM or SIGINT arrives.
    public func wait() {
        var set = self.set
        var received: Int32 = 0
        while sigwait(&set, &received) != 0 {}
    }
}
