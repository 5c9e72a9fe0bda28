import AuthTokenCore
import Logging

/// API mode: `/apiauthtoken/create` with `EMAIL_ID` and `PASSWORD`, `/apiauthtoken/delete`,
/// rotation and self-inspection. Each answers in the legacy wire format (or JSON for
/// `/apiauthtoken/self`); what they throw is answered by `WebApp.failure`'s API-mode half.
struct APIMode: Sendable {
    let tokens: TokenService
    let logger: Logger

    func create(_ http: HTTPRequest, _ parameters: FormData) throws -> LegacyAnswer {
        let request = TokenRequest(
            email: parameters["EMAIL_ID"], password: parameters["PASSWORD"],
            scope: parameters["SCOPE"], displayName: parameters["DISPLAY_NAME"],
            expiresInDays: parameters["EXPIRES_IN_DAYS"])
        switch try tokens.createToken(request, client: http.client) {
        case .success(let issued):
            logger.info("token created", metadata: ["token.id": "\(issued.record.id)", "token.hint": "\(issued.record.hint)"])
            return .token(issued.secret.value)
        case .failure(let refusal):
            logger.info("token refused", metadata: ["cause": "\(LegacyCause(refusal).rawValue)"])
            return .cause(LegacyCause(refusal))
        }
    }

    /// `/apiauthtoken/delete?AUTHTOKEN=<token>`: deletes that token, permanently.
    func delete(_ request: HTTPRequest, _ parameters: FormData) throws -> LegacyAnswer {
        guard try tokens.deleteToken(value: parameters["AUTHTOKEN"] ?? parameters["authtoken"], client: request.client)
        else { return .cause(.invalidAuthtoken) }
        logger.info("token deleted over HTTP")
        return .deleted
    }
}
