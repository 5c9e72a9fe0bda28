import Foundation
import Lifecycle
import Synchronization

/// The server's directory sync: at start and then every `period` seconds
/// (`DirectoryService.sync`). Stopping between rounds loses nothing.
public final class DirectorySyncer: BackgroundTask {
    public let name = "directory sync"
    private let auth: AuthService
    private let period: TimeInterval
    private let onSync: @Sendable (Result<DirectorySyncReport, any Error>) -> Void
    private let stopping = StopSignal()
    private let thread = Mutex<JoinableThread?>(nil)
    static let client = Client(address: "", userAgent: "directory sync")

    public init(auth: AuthService, period: TimeInterval, onSync: @escaping @Sendable (Result<DirectorySyncReport, any Error>) -> Void) {
        self.auth = auth
        self.period = period
        self.onSync = onSync
    }

    public func start() throws {
        try thread.withLock { thread in
            guard thread == nil, !stopping.isStopped else { return }
            let (auth, period, stopping, onSync) = (auth, period, stopping, onSync)
            thread = try JoinableThread(name: "authtoken-directory") {
                repeat {
                    onSync(Result { try auth.directory.sync(dryRun: false, client: Self.client) })
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
