import Foundation

/// The Developer Space page: this server's own URLs, ready to copy. The examples carry
/// placeholders and shell variables, never a real password or token.
extension WebApp {
    func developerSpace(_ request: HTTPRequest, _ form: FormData, _ browser: BrowserSettings, _ user: SignedIn) throws -> HTTPResponse {
        let base = pageBaseURL(request, browser)
        let scope = auth.settings.scopes.scopes.first ?? "ZohoRecruit/recruitapi"
        let api = scope.split(separator: "/").last.map(String.init) ?? "recruitapi"
        let email = user.account.email
        return page("developer", browser, user: user, [
            "title": "Developer Space",
            "apiMode": "\(base)/apiauthtoken/nb/create?SCOPE=\(scope)&EMAIL_ID=\(Self.formEncode(email))"
                + "&PASSWORD=YOUR_PASSWORD&DISPLAY_NAME=my%20script",
            "browserMode": "\(base)/apiauthtoken/create?SCOPE=\(scope)&DISPLAY_NAME=my%20script",
            "apiCall": "\(base)/recruit/private/xml/JobOpenings/getRecords?authtoken=YOUR_AUTHTOKEN&scope=\(api)",
            "curlCreate": "read -rs PASSWORD; curl --data-urlencode \(Self.shellQuoted("EMAIL_ID=" + email)) "
                + "--data-urlencode \"PASSWORD=$PASSWORD\" --data-urlencode 'SCOPE=\(scope)' "
                + "--data-urlencode 'DISPLAY_NAME=my script' '\(base)/apiauthtoken/nb/create'",
            "curlCall": "curl \"\(base)/recruit/private/json/JobOpenings/getRecords?authtoken=$AUTHTOKEN&scope=\(api)\"",
            "scopes": auth.settings.scopes.scopes.map { ["value": $0] },
        ])
    }

    /// One shell word in single quotes; an e-mail address may itself hold a `'`.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
