import AuthTokenCore
import AuthTokenStore

/// `/activity`: the signed-in person's own newest activity-log entries. Mustache's `{{…}}`
/// escapes every value, so a hostile user agent or application name renders as text.
extension WebApp {
    static let activityPageSize = 50

    func activityPage(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn) throws -> HTTPResponse {
        let entries = try auth.activity.list(accountID: user.account.id, limit: Self.activityPageSize)
        return page("activity", browser, user: user, [
            "title": "Recent activity", "limit": String(Self.activityPageSize), "hasEntries": !entries.isEmpty,
            "entries": entries.map { record -> [String: Any] in
                let entry = record.entry
                return [
                    "kind": entry.kind.rawValue, "label": entry.kind.label, "detail": entry.detail,
                    "at": PageDate.string(from: entry.at), "atISO": PageDate.iso(entry.at),
                    "address": entry.address.isEmpty ? "—" : entry.address, "userAgent": entry.userAgent,
                ]
            },
        ])
    }
}
