import AuthTokenCore
import Foundation

/// `/sessions`: where the person is signed in, and ending one session or all the others.
struct SessionPages {
    let sessions: SessionService
    let view: PageRenderer

    init(_ kit: PageKit) {
        sessions = kit.auth.sessions
        view = kit.view
    }

    func list(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        var page = try listView(user)
        switch form["done"] {
        case "one": page.notice = "That session was signed out."
        case "others": page.notice = "Every other session was signed out."
        default: break
        }
        return view.page(page, user: user)
    }

    func end(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        guard try sessions.endSession(handle: form["id"] ?? "", of: user.session, client: user.client) else {
            var page = try listView(user)
            page.error = "That session had already ended."
            return view.page(page, user: user, status: 404)
        }
        return .redirect("/sessions?done=one")
    }

    func endOthers(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        _ = try sessions.endOtherSessions(of: user.session, client: user.client)
        return .redirect("/sessions?done=others")
    }

    func listView(_ user: SignedIn) throws -> SessionsView {
        let sessions = try sessions.list(of: user.session)
        return SessionsView(
            hasOthers: sessions.contains { !$0.isCurrent },
            sessions: sessions.map { entry in
                SessionsView.Row(
                    id: entry.handle, current: entry.isCurrent,
                    browser: entry.userAgent.isEmpty ? "Unknown browser" : SessionService.browserName(entry.userAgent),
                    userAgent: entry.userAgent, address: entry.address.isEmpty ? "—" : entry.address,
                    started: PageDate.string(from: entry.createdAt), startedISO: PageDate.iso(entry.createdAt),
                    lastSeen: PageDate.string(from: entry.lastSeenAt), lastSeenISO: PageDate.iso(entry.lastSeenAt))
            })
    }
}
