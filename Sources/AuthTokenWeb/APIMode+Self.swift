import AuthTokenCore
import AuthTokenStore
import Foundation

/// `GET /apiauthtoken/self` with `Authorization: Bearer <token>` (or `Zoho-authtoken`):
/// JSON about that token and nothing else, so a script can see when it expires and rotate
/// on its own. The token is taken from the header only: one in the URL is refused (400),
/// since URLs end up in logs.
extension APIMode {
    func inspect(_ request: HTTPRequest, _ parameters: FormData) throws -> HTTPResponse {
        guard parameters.values(named: "authtoken").isEmpty else {
            return Self.json(400, ["error": "Send the token in the Authorization header, not in the URL."])
        }
        let value: String
        switch WebApp.authorizationToken(request.headers["authorization"]) {
        case .token(let token): value = token
        case .malformed: return Self.json(400, ["error": "The Authorization header must be exactly: Bearer <token>."])
        case .absent: return Self.unauthorized
        }
        switch try tokens.inspectToken(value: value, client: request.client) {
        case .token(let token, let worksUntil):
            return Self.json(200, Self.facts(token, valueWorksUntil: worksUntil))
        case .deadToken:
            return Self.unauthorized
        case .reused:
            logger.warning("rotated-out token value presented to /apiauthtoken/self: token revoked, owner notified")
            return Self.unauthorized
        }
    }

    static var unauthorized: HTTPResponse {
        json(401, ["error": "No live token."]).adding("WWW-Authenticate", "Bearer")
    }

    /// Times in ISO 8601 (UTC); absent facts are null, never left out.
    static func facts(_ token: TokenRecord, valueWorksUntil: Date?) -> [String: Any] {
        func time(_ date: Date?) -> Any { date.map { PageDate.iso($0) as Any } ?? NSNull() }
        return [
            "id": token.id, "name": token.displayName, "scopes": token.scopes, "hint": token.hint,
            "created": time(token.createdAt), "last_used": time(token.lastUsedAt),
            "last_used_from": token.lastUsedFrom.map { $0 as Any } ?? NSNull(),
            "expires": time(token.expiresAt), "rotated_at": time(token.rotatedAt),
            "rotated_from": token.rotatedFrom.map { $0 as Any } ?? NSNull(),
            "value_works_until": time(valueWorksUntil),
        ]
    }

    static func json(_ status: Int, _ object: [String: Any]) -> HTTPResponse {
        let body = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return HTTPResponse(
            status: status,
            headers: [("Content-Type", "application/json; charset=UTF-8"), ("Cache-Control", "no-store")],
            body: Array(body) + [0x0A])
    }
}
