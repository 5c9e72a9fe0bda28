import Foundation
import Lifecycle
import Synchronization

/// The background task that writes the `UsageRecorder`'s due uses about once a `period`,
/// and everything still pending when it stops.
public final class UsageFlusher: BackgroundTask {
    public let name = "usage flusher"
    private let usage: UsageRecorder
    private let period: TimeInterval
    private let onError: @Sendable (any Error) -> Void
    private let stopping = StopSignal()
    private let thread = Mutex<JoinableThread?>(nil)

    public init(usage: UsageRecorder, period: TimeInterval = 1, onError: @escaping @Sendable (any Error) -> Void) {
        self.usage = usage
        self.period = period
        self.onError = onError
    }

    public func start() throws {
        try thread.withLock { thread in
            guard thread == nil, !stopping.isStopped else { return }
            let (usage, period, stopping, onError) = (usage, period, stopping, onError)
            thread = try JoinableThread(name: "authtoken-usage") {
                while stopping.sleep(period) {
                    do { try usage.flushDue(now: Date()) } catch { onError(error) }
                }
            }
        }
    }

    /// Joins the thread, then writes what is pending. Tries twice: a database connection
    /// broken since its last use (PostgreSQL restarted) fails once and is replaced on the
    /// next statement, and the writes are idempotent.
    public func stop() {
        stopping.stop()
        guard let running = thread.withLock({ $0.take() }) else { return }
        running.join()
        do {
            try usage.flushAll()
        } catch {
            do { try usage.flushAll() } catch { onError(error) }
        }
    }
}
