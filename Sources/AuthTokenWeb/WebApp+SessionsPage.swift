import AuthTokenCore
import Foundation

/// `/sessions`: where the person is signed in, and ending one session or all the others.
extension WebApp {
    func sessionsPage(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn) throws -> HTTPResponse {
        var values = try sessionValues(user)
        switch form["done"] {
        case "one": values["notice"] = "That session was signed out."
        case "others": values["notice"] = "Every other session was signed out."
        default: break
        }
        return page("sessions", browser, user: user, values)
    }

    func endSession(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn) throws -> HTTPResponse {
        guard try auth.sessions.endSession(handle: form["id"] ?? "", of: user.session, client: user.client) else {
            var values = try sessionValues(user)
            values["error"] = "That session had already ended."
            return page("sessions", browser, user: user, status: 404, values)
        }
        return .redirect("/sessions?done=one")
    }

    func endOtherSessions(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn) throws -> HTTPResponse {
        _ = try auth.sessions.endOtherSessions(of: user.session, client: user.client)
        return .redirect("/sessions?done=others")
    }

    func sessionValues(_ user: SignedIn) throws -> [String: Any] {
        let sessions = try auth.sessions.list(of: user.session)
        return [
            "title": "Where you are signed in", "hasOthers": sessions.contains { !$0.isCurrent },
            "sessions": sessions.map { entry -> [String: Any] in
                [
                    "id": entry.handle, "current": entry.isCurrent,
                    "browser": entry.userAgent.isEmpty ? "Unknown browser" : SessionService.browserName(entry.userAgent),
                    "userAgent": entry.userAgent, "address": entry.address.isEmpty ? "—" : entry.address,
                    "started": PageDate.string(from: entry.createdAt), "startedISO": PageDate.iso(entry.createdAt),
                    "lastSeen": PageDate.string(from: entry.lastSeenAt), "lastSeenISO": PageDate.iso(entry.lastSeenAt),
                ]
            },
        ]
    }
}
