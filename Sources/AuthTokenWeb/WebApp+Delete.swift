/// `/apiauthtoken/delete?AUTHTOKEN=<token>`: deletes that token, permanently.
extension WebApp {
    func deleteToken(_ request: HTTPRequest, _ parameters: FormData) -> HTTPResponse {
        let answer: LegacyAnswer
        do {
            if try auth.tokens.deleteToken(value: parameters["AUTHTOKEN"] ?? parameters["authtoken"], client: request.client) {
                logger.info("token deleted over HTTP")
                answer = .deleted
            } else {
                answer = .cause(.invalidAuthtoken)
            }
        } catch {
            logger.error("token deletion failed", metadata: ["error": "\(error)"])
            Self.storeErrors.increment()
            answer = .cause(.serverError)
        }
        return answer.response(at: now())
    }
}
