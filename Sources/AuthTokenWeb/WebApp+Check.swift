import AuthTokenCore

/// The token check behind nginx `auth_request`.
///
/// nginx sends a subrequest here for every request to a guarded location, passing the
/// original URI (`X-Original-URI`) and, when the location fixes one, the wanted scope
/// (`X-Authtoken-Scope`). The answer is only a status and headers: 200 with the account
/// for `auth_request_set`, 401 for a missing or dead token, 403 for a live token without
/// the scope. nginx turns 401/403 into whatever the guarded service expects (the legacy
/// 4834 answer, or a plain 401).
extension WebApp {
    public static let checkPath = "/_authtoken/check"

    func checkToken(_ request: HTTPRequest) -> HTTPResponse {
        let original = Self.originalQuery(request.headers["x-original-uri"])
        let token = original?["authtoken"] ?? Self.bearerToken(request.headers["authorization"])
        let fixedScope = request.headers["x-authtoken-scope"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            switch try auth.checkToken(token, scope: fixedScope ?? original?["scope"], from: request.remoteAddress) {
            case .allowed(let grant, let scope):
                return HTTPResponse(status: 200, headers: [
                    ("X-Authtoken-Email", grant.email), ("X-Authtoken-Account-Id", String(grant.accountID)),
                    ("X-Authtoken-Scope", scope), ("Cache-Control", "no-store"),
                ])
            case .invalidToken:
                return HTTPResponse(status: 401, headers: [("Cache-Control", "no-store")])
            case .scopeDenied:
                return HTTPResponse(status: 403, headers: [("Cache-Control", "no-store")])
            }
        } catch {
            logger.error("token check failed", metadata: ["error": "\(error)"])
            return HTTPResponse(status: 500, headers: [("Cache-Control", "no-store")])
        }
    }

    /// The query of the original request URI; nil when there is none or it is malformed
    /// (a malformed query cannot carry a valid token).
    static func originalQuery(_ uri: String?) -> FormData? {
        guard let uri, let mark = uri.utf8.firstIndex(of: UInt8(ascii: "?")) else { return nil }
        return try? FormData(parsing: uri.utf8[uri.utf8.index(after: mark)...])
    }

    /// `Authorization: Zoho-authtoken <token>` or `Authorization: Bearer <token>`.
    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        let scheme = parts[0].lowercased()
        guard scheme == "zoho-authtoken" || scheme == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: " \t")
    }
}
