/// Background tasks started in the order given and stopped in the reverse order.
///
/// `main.swift` lists the server's tasks here: what a task relies on starts before it and
/// stops after it (the listeners last in, first out, so no request reaches a stopped queue).
public final class BackgroundTasks: Sendable {
    public let tasks: [any BackgroundTask]

    public init(_ tasks: [any BackgroundTask]) {
        self.tasks = tasks
    }

    /// Starts each task in order; if one fails, stops those already started (in reverse
    /// order) and rethrows.
    public func start(onStart: (any BackgroundTask) -> Void = { _ in }) throws {
        var started: [any BackgroundTask] = []
        do {
            for task in tasks {
                try task.start()
                started.append(task)
                onStart(task)
            }
        } catch {
            for task in started.reversed() { task.stop() }
            throw error
        }
    }

    /// Stops every task, last started first.
    public func stop(onStop: (any BackgroundTask) -> Void = { _ in }) {
        for task in tasks.reversed() {
            task.stop()
            onStop(task)
        }
    }
}
