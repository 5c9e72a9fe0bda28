import Glibc

/// SIGTERM and SIGINT, blocked in every thread and taken synchronously with `sigwait`.
///
/// Blocking them before any worker starts means the signal never interrupts a worker
/// (nor runs libfcgi's flag-setting handler); the main thread receives it as a plain
/// event and can shut down in order.
public struct TerminationSignals: Sendable {
    /// Blocks the signals in the calling thread and every thread it starts afterwards.
    /// Call it first thing in `main`, before the Swift runtime starts any thread.
    public init() {
        var set = Self.signals()
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// The set is rebuilt where it is needed: `sigset_t` is a plain C value, not `Sendable`.
    private static func signals() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        return set
    }

    /// Waits until SIGTERM or SIGINT arrives.
    public func wait() {
        var set = Self.signals()
        var received: Int32 = 0
        while sigwait(&set, &received) != 0 {}
    }
}
