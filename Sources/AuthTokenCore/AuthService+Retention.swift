import AuthTokenStore
import Foundation

/// Retention: what has run out is removed by a background task of the server
/// (`RetentionSweeper`), so no table grows for ever: expired sessions, confirmation links,
/// half-done sign-ins and reset links, unconfirmed accounts past their time, activity
/// entries older than `activityRetention`, and throttle counters a day past their window
/// that block nobody.
extension AuthService {
    /// Tokens and web sessions in the store, for metrics.
    public func rowCounts() throws -> (tokens: Int, sessions: Int) {
        try store.rowCounts()
    }

    /// One sweep, now.
    @discardableResult
    public func sweep() throws -> RetentionCounts {
        let time = now()
        let sessions = settings.sessions
        var counts = try store.deleteExpired(
            now: time, activityBefore: settings.activityRetention.map { time - $0 },
            countersBefore: time - max(settings.throttle.window, 86400))
        counts.sessions = try store.deleteExpiredSessions(
            idleBefore: time - sessions.idleTimeout, createdBefore: time - sessions.absoluteTimeout)
        counts.unconfirmedAccounts = try removeExpiredRegistrations()
        return counts
    }
}
