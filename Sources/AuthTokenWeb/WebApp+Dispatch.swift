import AuthTokenCore
import Foundation

/// The one dispatcher, and what every route gets from it.
extension WebApp {
    /// 404 for a path not in the table (or a page on a server without pages), 404 for an
    /// admin path to anyone but an administrator, 405 with `Allow` for a method the route does
    /// not take, 400 for malformed parameters, the session gate for a signed-in page, else
    /// the handler; what a handler throws becomes one answer (`failure`).
    func dispatch(_ route: Route?, _ request: HTTPRequest) -> HTTPResponse {
        guard let route else { return .plain(404, "Not found.") }
        if route.isPage || route.access == .admin {
            guard let browser, route.isAvailable(browser) else { return .plain(404, "Not found.") }
        }
        if route.access == .admin, let browser { return adminRoute(route, request, browser) }
        guard let handler = route.handler(for: request.method) else { return route.methodNotAllowed }
        switch handler {
        case .raw(let run): return run(self, request)
        case .legacy(let run): return withParameters(request) { legacy(run, request, $0, metric: route.metric) }
        case .legacyOrBrowserMode(let run):
            return withParameters(request) { form in
                guard let browser, BrowserMode.isAsked(form) else { return legacy(run, request, form, metric: route.metric) }
                return sessionGate(request, form, browser, next: BrowserMode.back(request, form)) { user in
                    try BrowserMode(kit(browser)).page(request, form, user)
                }
            }
        case .json(let run):
            return withParameters(request) { form in
                do { return try run(apiMode, request, form) } catch { return jsonFailure(error, metric: route.metric) }
            }
        case .page(let run):
            guard let browser else { return .plain(404, "Not found.") }
            return withParameters(request) { form in
                do { return try run(kit(browser), request, form) } catch { return failure(error, browser, user: nil) }
            }
        case .signedIn(let run):
            guard let browser else { return .plain(404, "Not found.") }
            return withParameters(request) { form in
                sessionGate(request, form, browser) { user in try run(kit(browser), request, form, user) }
            }
        case .admin: return .plain(404, "Not found.")
        }
    }

    /// API mode's controller.
    var apiMode: APIMode { APIMode(tokens: auth.tokens, logger: logger) }

    /// What the page controllers are made of.
    func kit(_ browser: BrowserSettings) -> PageKit {
        PageKit(auth: auth, view: PageRenderer(browser: browser), logger: logger, now: now)
    }

    private func legacy(
        _ run: (APIMode, HTTPRequest, FormData) throws -> LegacyAnswer, _ request: HTTPRequest, _ form: FormData,
        metric: String
    ) -> HTTPResponse {
        let answer: LegacyAnswer
        do { answer = try run(apiMode, request, form) } catch { answer = legacyFailure(error, metric: metric) }
        return answer.response(at: now())
    }
}
