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
        let page = ActivityView(
            limit: String(Self.pageSize), hasEntries: !entries.isEmpty,
            entries: entries.map { ActivityRow($0, withAccount: false) })
        return view.page(page, user: user)
    }
}
