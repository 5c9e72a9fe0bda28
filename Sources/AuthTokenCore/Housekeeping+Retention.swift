import AuthTokenStore
import Foundation

/// Retention: what has run out is removed by a background task of the server
/// (`RetentionSweeper`), so no table grows for ever: expired sessions, confirmation links,
/// half-done sign-ins and reset links, unconfirmed accounts past their time, activity
/// entries older than `activityRetention`, and throttle counters a day past their window
/// that block nobody.
extension Housekeeping {
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

extension Housekeeping {
    /// Removes unconfirmed accounts older than `unconfirmedLifetime` (with their links): the
    /// sweep's work (`sweep`), never a registration's, since it scans the account table
    /// under the write lock. A registration needs no sweep first: an address whose
    /// self-registered account has not been swept yet takes a new registration's link like
    /// any waiting one (`addRegistrationLink`). How many went.
    @discardableResult
    public func removeExpiredRegistrations() throws -> Int {
        guard let lifetime = settings.sessions.unconfirmedLifetime else { return 0 }
        return try store.deleteUnconfirmedAccounts(createdBefore: now() - lifetime)
    }
}
