import AuthTokenStore
import Foundation

/// Expiry reminders: an e-mail 7 days and 1 day before a token expires, once each, for
/// tokens used in the last 30 days (one nobody uses breaks nothing when it expires). Sent
/// by the server's background task (`RetentionSweeper`), never by a request.
extension Housekeeping {
    /// The reminders, nearest first: a token first seen a day before its expiry gets the
    /// 1-day reminder only, not both at once.
    public static let reminderDays = [1, 7]
    /// Only tokens used within this time are reminded of.
    public static let reminderRecentUse: TimeInterval = 30 * 86400

    /// Sends the reminders that are due now; returns how many this process sent.
    @discardableResult
    public func sendReminders() throws -> Int {
        let time = now()
        var sent = 0
        for days in Self.reminderDays {
            let due = try store.tokensToRemind(
                now: time, expiringBy: time.addingTimeInterval(Double(days) * 86400),
                usedSince: time.addingTimeInterval(-Self.reminderRecentUse), days: days)
            for token in due where try store.markReminded(tokenID: token.tokenID, days: days, expiresAt: token.expiresAt) {
                notices.send(reminder(token, days: days))
                sent += 1
            }
        }
        return sent
    }

    func reminder(_ token: TokenReminder, days: Int) -> Notice {
        let when = days == 1 ? "within a day" : "within \(days) days"
        let from = token.lastUsedFrom.isEmpty ? "" : " from \(token.lastUsedFrom)"
        return Notice(
            to: token.email, subject: "authtoken: token “\(token.displayName)” expires \(when)",
            text: """
                Your auth token “\(token.displayName)” (\(token.hint)) expires at \(Self.logTime(token.expiresAt)). \
                It was last used at \(Self.logTime(token.lastUsedAt))\(from), so a program still depends on it.

                Renew it on the Active Authtokens page (it gets a new value with the same name and scopes), or \
                let the program rotate it with POST /apiauthtoken/rotate, and give the new value to every \
                program that uses it before then.
                """)
    }
}
