import Foundation

/// A thread that can be waited for: Foundation's `Thread` cannot be joined, so a task that
/// says it stopped could still have a thread running. This one is a plain pthread.
public final class JoinableThread: @unchecked Sendable {
    // Written once in `init` (before the thread can read it) and by `join()` only.
    private var thread: pthread_t?

    /// Starts `body` on a new thread named `name` (at most 15 bytes show on Linux), at
    /// `niceness` (0 keeps the process's; higher gives way to other threads).
    public init(name: String, niceness: Int32 = 0, _ body: @escaping @Sendable () -> Void) throws(ThreadError) {
        let context = Unmanaged.passRetained(Start(name: name, niceness: niceness, body: body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { raw in
            let start = Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue()
            Thread.current.name = String(decoding: start.name.utf8.prefix(15), as: UTF8.self)
            if start.niceness != 0 {
                setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, start.niceness)  // 0: this thread
            }
            start.body()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<Start>.fromOpaque(context).release()
            throw ThreadError(call: "pthread_create", status: status)
        }
        self.thread = thread
    }

    /// Waits until the thread's body has returned. Call it once, from another thread.
    public func join() {
        guard let thread else { return }
        self.thread = nil
        pthread_join(thread, nil)
    }

    deinit {
        // Never joined: let it run to its end on its own.
        if let thread { pthread_detach(thread) }
    }

    private final class Start {
        let name: String
        let niceness: Int32
        let body: @Sendable () -> Void
        init(name: String, niceness: Int32, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.niceness = niceness
            self.body = body
        }
    }
}

/// A pthread call that failed, with its status (an errno value).
public struct ThreadError: Error, Equatable, CustomStringConvertible {
    public let call: String
    public let status: Int32
    public var description: String { "\(call) failed: \(String(cString: strerror(status)))" }
}
