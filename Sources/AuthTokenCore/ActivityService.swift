import AuthTokenStore
import Foundation

/// The activity log. Entries carry only non-secret facts (a token's id and hint, an
/// application name, a refusal reason), so the log can be shown to its owner and to
/// administrators without care.
extension AuthFeature {
    /// Writes one entry at the injected clock's time.
    func log(_ kind: ActivityKind, accountID: Int64?, client: Client, detail: String = "") throws {
        try store.insertActivity(NewActivity(
            at: now(), accountID: accountID, kind: kind, address: client.address,
            userAgent: client.userAgent, detail: Client.clean(detail, max: 200)))
    }

}

extension ActivityService {
    /// Writes one entry at the injected clock's time (what the web layer and the admin CLI
    /// log themselves: sign-outs, their own audit lines).
    public func record(_ kind: ActivityKind, accountID: Int64?, client: Client, detail: String = "") throws {
        try log(kind, accountID: accountID, client: client, detail: detail)
    }

    /// The account's newest entries first.
    public func list(accountID: Int64, limit: Int = 50) throws -> [ActivityRecord] {
        try store.activity(accountID: accountID, limit: limit)
    }

    /// How a token is named in the log: its number and its hint (`…` and the last four
    /// characters, as stored).
    public static func tokenDetail(id: Int64, hint: String) -> String {
        "token #\(id) \(hint)"
    }
}
