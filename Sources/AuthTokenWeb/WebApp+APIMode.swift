import AuthTokenCore

/// API mode: `/apiauthtoken/create` with `EMAIL_ID` and `PASSWORD`.
extension WebApp {
    func createToken(_ http: HTTPRequest, _ parameters: FormData) -> HTTPResponse {
        let request = TokenRequest(
            email: parameters["EMAIL_ID"], password: parameters["PASSWORD"],
            scope: parameters["SCOPE"], displayName: parameters["DISPLAY_NAME"],
            expiresInDays: parameters["EXPIRES_IN_DAYS"])
        let answer: LegacyAnswer
        do {
            switch try auth.tokens.createToken(request, client: http.client) {
            case .success(let issued):
                logger.info("token created", metadata: ["token.id": "\(issued.record.id)", "token.hint": "\(issued.record.hint)"])
                answer = .token(issued.secret.value)
            case .failure(let refusal):
                logger.info("token refused", metadata: ["cause": "\(LegacyCause(refusal).rawValue)"])
                answer = .cause(LegacyCause(refusal))
            }
        } catch is PasswordWorkBusy {
            // The answer a client already understands as "not now": no password was checked.
            logger.notice("token refused", metadata: ["cause": "\(LegacyCause.blocked.rawValue)", "reason": "password queue full"])
            answer = .cause(.blocked)
        } catch {
            logger.error("token creation failed", metadata: ["error": "\(error)"])
            Self.storeErrors.increment()
            answer = .cause(.serverError)
        }
        return answer.response(at: now())
    }
}
