/// Work that runs on threads of its own beside the requests: the two listeners, the password
/// queue, the usage flusher, the retention sweeper.
///
/// One shape for all of them, so `main.swift` starts them in order and stops them in the
/// reverse order (`BackgroundTasks`), and a test can start and stop one without leaking a
/// thread. The shape is ours, not swift-service-lifecycle's: that library runs services as
/// async tasks, while every task here is a handful of blocking threads.
public protocol BackgroundTask: AnyObject, Sendable {
    /// For logs: what this is ("check listener", "password queue", ...).
    var name: String { get }
    /// Starts the task's threads and returns at once. Calling it twice is a no-op.
    func start() throws
    /// Asks the threads to finish and returns once they have (joined), doing what must be
    /// done last (the usage flusher's final write). Calling it twice, or before `start()`,
    /// is a no-op.
    func stop()
}
