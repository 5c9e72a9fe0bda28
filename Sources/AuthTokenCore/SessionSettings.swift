import Foundation

/// How long browser sessions and confirmation links live. Both timeouts are checked on
/// the server at every request; the cookie's own lifetime is only a courtesy.
public struct SessionSettings: Sendable, Equatable {
    /// A session unused for this long is gone (OWASP suggests 15–30 minutes for intranet
    /// applications that can issue credentials).
    public var idleTimeout: TimeInterval
    /// A session older than this is gone however busy it was: a stolen cookie stops
    /// working by the end of the working day.
    public var absoluteTimeout: TimeInterval
    /// A registration's confirmation link works this long.
    public var confirmationLifetime: TimeInterval
    /// Unconfirmed accounts older than this are removed (at start and before each
    /// registration); nil keeps them.
    public var unconfirmedLifetime: TimeInterval?

    public init(
        idleTimeout: TimeInterval = 30 * 60, absoluteTimeout: TimeInterval = 8 * 3600,
        confirmationLifetime: TimeInterval = 24 * 3600, unconfirmedLifetime: TimeInterval? = 7 * 24 * 3600
    ) {
        self.unconfirmedLifetime = unconfirmedLifetime
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.confirmationLifetime = confirmationLifetime
    }
}
