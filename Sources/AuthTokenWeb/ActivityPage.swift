import AuthTokenCore
import AuthTokenStore

/// `/activity`: the signed-in person's own newest activity-log entries. Mustache's `{{…}}`
/// escapes every value, so a hostile user agent or application name renders as text.
struct ActivityPage {
    static let pageSize = 50

    let activity: ActivityService
    let view: PageRenderer

    init(_ kit: PageKit) {
        activity = kit.auth.activity
        view = kit.view
    }

    func page(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        let entries = try activity.list(accountID: user.account.id, limit: Self.pageSize)
        return view.page("activity", user: user, [
            "title": "Recent activity", "limit": String(Self.pageSize), "hasEntries": !entries.isEmpty,
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
