import Foundation
import GRDB
import Lifecycle

/// One read-only connection per thread, for the token check.
///
/// The check runs on every guarded request from every worker thread. Through the
/// `DatabasePool`, each read first takes a connection from GRDB's shared pool, whose lock
/// all workers contend for: a profile under load showed a fifth of the time in futex
/// waits there. A connection that belongs to the calling thread needs no such hand-over,
/// and keeps its prepared statement and page cache warm. SQLite in WAL mode lets any
/// number of such readers run beside the pool's writer, and each statement sees the last
/// commit, so nothing stale is ever read.
final class ThreadReaders: Sendable {
    private let readers: ThreadLocal<DatabaseQueue>
    private let path: String

    init(path: String) throws {
        self.path = path
        readers = try ThreadLocal()
    }

    /// The calling thread's connection, opened on first use.
    func connection() throws -> DatabaseQueue {
        if let reader = readers.value { return reader }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        configuration.label = "authtoken.thread-reader"
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        readers.value = queue
        return queue
    }
}
