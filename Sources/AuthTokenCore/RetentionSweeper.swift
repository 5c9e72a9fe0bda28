import AuthTokenStore
import Foundation
import Lifecycle
import Synchronization

/// The server's retention task: sweeps at start and then every `period` seconds (expired
/// rows, old activity: `AuthService.sweep`), and sends the expiry reminders due after each
/// sweep (`AuthService.sendReminders`). Stopping between rounds loses nothing.
public final class RetentionSweeper: BackgroundTask {
    public let name = "retention sweeper"
    private let auth: AuthService
    private let period: TimeInterval
    private let onSweep: @Sendable (Result<RetentionCounts, any Error>) -> Void
    private let onReminders: @Sendable (Result<Int, any Error>) -> Void
    private let stopping = StopSignal()
    private let thread = Mutex<JoinableThread?>(nil)

    public init(
        auth: AuthService, period: TimeInterval,
        onSweep: @escaping @Sendable (Result<RetentionCounts, any Error>) -> Void,
        onReminders: @escaping @Sendable (Result<Int, any Error>) -> Void = { _ in }
    ) {
        self.auth = auth
        self.period = period
        self.onSweep = onSweep
        self.onReminders = onReminders
    }

    public func start() throws {
        try thread.withLock { thread in
            guard thread == nil, !stopping.isStopped else { return }
            let (auth, period, stopping) = (auth, period, stopping)
            let (onSweep, onReminders) = (onSweep, onReminders)
            thread = try JoinableThread(name: "authtoken-retention") {
                repeat {
                    onSweep(Result { try auth.housekeeping.sweep() })
                    onReminders(Result { try auth.housekeeping.sendReminders() })
                } while stopping.sleep(period)
            }
        }
    }

    /// Waits for a round under way to end.
    public func stop() {
        stopping.stop()
        thread.withLock { $0.take() }?.join()
    }
}
