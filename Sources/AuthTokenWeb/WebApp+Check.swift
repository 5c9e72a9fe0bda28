import AuthTokenCore

/// The token check behind nginx `auth_request`.
///
/// nginx sends a subrequest here for every request to a guarded location, passing the
/// original URI (`X-Original-URI`) and, when the location fixes one, the wanted scope
/// (`X-Authtoken-Scope`). The answer is only a status and headers: 200 with the account
/// for `auth_request_set`, 401 for a missing, dead or ambiguous token, 403 for a live token
/// without the scope. nginx turns 401/403 into whatever the guarded service expects (the
/// legacy 4834 answer, or a plain 401).
extension WebApp {
    public static let checkPath = "/_authtoken/check"

    func checkToken(_ request: HTTPRequest) -> HTTPResponse {
        guard let asked = Self.checkInput(uri: request.headers["x-original-uri"], authorization: request.headers["authorization"])
        else { return HTTPResponse(status: 401, headers: [("Cache-Control", "no-store")]) }
        let fixedScope = request.headers["x-authtoken-scope"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            switch try auth.check.checkToken(asked.token, scope: fixedScope ?? asked.scope, from: request.remoteAddress) {
            case .allowed(let grant, let scope):
                return HTTPResponse(status: 200, headers: [
                    ("X-Authtoken-Email", grant.email), ("X-Authtoken-Account-Id", String(grant.accountID)),
                    ("X-Authtoken-Scope", scope), ("Cache-Control", "no-store"),
                ])
            case .invalidToken:
                return HTTPResponse(status: 401, headers: [("Cache-Control", "no-store")])
            case .reused:
                logger.warning("rotated-out token value used after its grace window: token revoked, owner notified")
                return HTTPResponse(status: 401, headers: [("Cache-Control", "no-store")])
            case .scopeDenied:
                return HTTPResponse(status: 403, headers: [("Cache-Control", "no-store")])
            }
        } catch {
            logger.error("token check failed", metadata: ["error": "\(error)"])
            Self.storeErrors.increment()
            return HTTPResponse(status: 500, headers: [("Cache-Control", "no-store")])
        }
    }

    /// The token and the query's scope of the original request, read once and strictly, so
    /// that the upstream cannot see a different token than the one checked. nil (refused
    /// with 401) when the request is ambiguous:
    /// - the query is malformed (broken `%` escape, not UTF-8, NUL);
    /// - `authtoken` or `scope` appears more than once in the query, counting every letter
    ///   case as the same name (`authtoken`, `AUTHTOKEN`, `AuthToken`);
    /// - the Authorization header names a token scheme but is not exactly `<scheme> <token>`
    ///   (several credentials combined with commas, or spaces inside the token);
    /// - the query and the header both carry a token and they differ (the same one in both
    ///   places is fine).
    /// A request with no token at all is not ambiguous: its token is nil, which the check
    /// refuses as missing.
    static func checkInput(uri: String?, authorization: String?) -> (token: String?, scope: String?)? {
        var queryToken: String?
        var scope: String?
        if let uri, let mark = uri.utf8.firstIndex(of: UInt8(ascii: "?")) {
            guard let query = try? FormData(parsing: uri.utf8[uri.utf8.index(after: mark)...]) else { return nil }
            let tokens = query.values(named: "authtoken"), scopes = query.values(named: "scope")
            guard tokens.count <= 1, scopes.count <= 1 else { return nil }
            queryToken = tokens.first
            scope = scopes.first
        }
        let headerToken: String?
        switch authorizationToken(authorization) {
        case .absent: headerToken = nil
        case .token(let token): headerToken = token
        case .malformed: return nil
        }
        switch (queryToken, headerToken) {
        case let (q?, h?) where q != h: return nil
        case let (q, h): return (q ?? h, scope)
        }
    }

    enum AuthorizationToken: Equatable {
        case absent, token(String), malformed
    }

    /// The token of `Authorization: Zoho-authtoken <token>` or `Authorization: Bearer <token>`,
    /// scheme in any letter case. `.absent` without a header or with another scheme (Basic…);
    /// `.malformed` when a token scheme is named but the header is not exactly one
    /// `<scheme> <token>` (e.g. `Bearer a, Bearer b` from a proxy that combined two headers).
    static func authorizationToken(_ header: String?) -> AuthorizationToken {
        guard let header else { return .absent }
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        let credentials = header.split(separator: ",", omittingEmptySubsequences: false)
        let schemes = credentials.map { $0.split(whereSeparator: blank).first.map { $0.lowercased() } ?? "" }
        guard schemes.contains(where: { $0 == "zoho-authtoken" || $0 == "bearer" }) else { return .absent }
        let words = header.split(whereSeparator: blank)
        guard credentials.count == 1, words.count == 2 else { return .malformed }
        return .token(String(words[1]))
    }
}
