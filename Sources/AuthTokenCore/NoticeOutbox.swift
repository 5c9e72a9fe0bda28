import Dispatch
import Synchronization

/// An e-mail the core sends to an account's owner on its own (a reused token, a new
/// token, a reminder). How it leaves is the executable's business (`deliver(using:)`).
public struct Notice: Sendable, Equatable {
    public let to: String
    public let subject: String
    public let text: String

    public init(to: String, subject: String, text: String) {
        self.to = to
        self.subject = subject
        self.text = text
    }
}

/// Where the core puts notices: they go out one after another on a queue of their own, so
/// no request (least of all the token check) waits for a mail command. Without a
/// delivery function notices are dropped.
public final class NoticeOutbox: Sendable {
    private let delivery = Mutex<(@Sendable (Notice) -> Void)?>(nil)
    private let queue = DispatchQueue(label: "authtoken-notices")

    public init() {}

    /// Sets how notices leave (replacing any earlier function).
    public func deliver(using send: @escaping @Sendable (Notice) -> Void) {
        delivery.withLock { $0 = send }
    }

    func send(_ notice: Notice) {
        guard let send = delivery.withLock({ $0 }) else { return }
        queue.async { send(notice) }
    }

    /// Returns once every notice handed over so far has been delivered.
    @_spi(Testing) public func waitUntilSent() {
        queue.sync {}
    }
}
