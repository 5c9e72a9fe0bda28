import AuthTokenCore
import Foundation

/// The Developer Space page: this server's own URLs, ready to copy. The examples carry
/// placeholders and shell variables, never a real password or token.
struct DeveloperSpace {
    let scopes: [String]
    let view: PageRenderer

    init(_ kit: PageKit) {
        scopes = kit.auth.settings.scopes.scopes
        view = kit.view
    }

    func page(_ request: HTTPRequest, _ form: FormData, _ user: SignedIn) throws -> HTTPResponse {
        let base = Self.baseURL(request, view.browser)
        let scope = scopes.first ?? "ZohoRecruit/recruitapi"
        let api = scope.split(separator: "/").last.map(String.init) ?? "recruitapi"
        let email = user.account.email
        return view.page(DeveloperView(
            apiMode: "\(base)/apiauthtoken/nb/create?SCOPE=\(scope)&EMAIL_ID=\(FormData.encode(email))"
                + "&PASSWORD=YOUR_PASSWORD&DISPLAY_NAME=my%20script",
            browserMode: "\(base)/apiauthtoken/create?SCOPE=\(scope)&DISPLAY_NAME=my%20script",
            apiCall: "\(base)/recruit/private/xml/JobOpenings/getRecords?authtoken=YOUR_AUTHTOKEN&scope=\(api)",
            curlCreate: "read -rs PASSWORD; curl --data-urlencode \(Self.shellQuoted("EMAIL_ID=" + email)) "
                + "--data-urlencode \"PASSWORD=$PASSWORD\" --data-urlencode 'SCOPE=\(scope)' "
                + "--data-urlencode 'DISPLAY_NAME=my script' '\(base)/apiauthtoken/nb/create'",
            curlCall: "curl \"\(base)/recruit/private/json/JobOpenings/getRecords?authtoken=$AUTHTOKEN&scope=\(api)\"",
            scopes: scopes.map { ValueRow(value: $0) }), user: user)
    }

    /// This server as browsers reach it, for this page only: `AUTHTOKEN_PUBLIC_URL`, else the
    /// request's scheme, Host (reduced to host-name characters, so a forged Host cannot
    /// inject markup or a path) and, when the Host has none and it is not the scheme's
    /// default, the port. Never for mail: links in mail come from `BrowserSettings.publicURL`
    /// alone.
    static func baseURL(_ request: HTTPRequest, _ browser: BrowserSettings) -> String {
        if let url = browser.publicURL { return url }
        var host = request.headers["host"] ?? ""
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")
        if host.isEmpty || !host.allSatisfy(allowed.contains) { host = "localhost" }
        let hasPort = host.split(separator: "]").last?.contains(":") ?? false
        let defaultPort = request.scheme == "https" ? "443" : "80"
        if !hasPort, let port = Int(request.serverPort), String(port) != defaultPort { host += ":\(port)" }
        return "\(request.scheme)://\(host)"
    }

    /// One shell word in single quotes; an e-mail address may itself hold a `'`.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
