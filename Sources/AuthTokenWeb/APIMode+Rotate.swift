import AuthTokenCore

/// `/apiauthtoken/rotate` (POST): the token in `AUTHTOKEN` (body or query) or in the
/// `Authorization` header; a new value in the legacy four-line answer. Every refusal,
/// reuse included, is the dead-token answer `CAUSE=INVALID_AUTHTOKEN`.
extension APIMode {
    func rotate(_ request: HTTPRequest, _ parameters: FormData) throws -> LegacyAnswer {
        switch Self.presentedToken(parameters, authorization: request.headers["authorization"]) {
        case .absent, .malformed:
            return .cause(.invalidAuthtoken)
        case .token(let value):
            switch try tokens.rotateToken(value: value, client: request.client) {
            case .rotated(let issued, let worksUntil):
                logger.info("token rotated", metadata: [
                    "token.id": "\(issued.record.id)", "token.hint": "\(issued.record.hint)",
                    "old.works_until": "\(Int64(worksUntil.timeIntervalSince1970))",
                ])
                return .token(issued.secret.value)
            case .deadToken:
                return .cause(.invalidAuthtoken)
            case .reused:
                logger.warning("rotated-out token value rotated again: token revoked, owner notified")
                return .cause(.invalidAuthtoken)
            }
        }
    }

    /// The one token of a request that may carry it as a parameter (any letter case, query
    /// or body) or in the Authorization header. `.malformed` when it is ambiguous: the
    /// parameter more than once, a malformed token header, or two different tokens.
    static func presentedToken(_ parameters: FormData, authorization: String?) -> WebApp.AuthorizationToken {
        let named = parameters.values(named: "authtoken")
        guard named.count <= 1 else { return .malformed }
        let header = WebApp.authorizationToken(authorization)
        switch (named.first, header) {
        case (_, .malformed): return .malformed
        case (nil, let header): return header
        case (let value?, .absent): return .token(value)
        case (let value?, .token(let other)): return value == other ? .token(value) : .malformed
        }
    }
}
