import Foundation

/// The client data the browser signed over (WebAuthn §5.8.1): what the request was, for
/// which challenge and from which origin.
struct ClientData: Decodable {
    let type: String
    let challenge: String
    let origin: String
    let crossOrigin: Bool?

    static let maxBytes = 4096

    static func parse(_ json: [UInt8]) throws(WebAuthnError) -> ClientData {
        guard json.count <= maxBytes else { throw .malformed("client data is too large") }
        do {
            return try JSONDecoder().decode(ClientData.self, from: Data(json))
        } catch {
            throw .malformed("client data is not the expected JSON")
        }
    }

    /// Checks the type, the challenge and the origin, in that order.
    func check(type expected: String, challenge: [UInt8], origin: String) throws(WebAuthnError) {
        guard type == expected else { throw .wrongType }
        guard Base64URL.decode(self.challenge) == challenge else { throw .challengeMismatch }
        guard self.origin == origin else { throw .originMismatch }
        guard crossOrigin != true else { throw .crossOrigin }
    }
}
