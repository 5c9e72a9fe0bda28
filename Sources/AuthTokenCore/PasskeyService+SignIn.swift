import AuthTokenStore
import Foundation
import WebAuthn

/// The key as the sign-in's second step, after the password (`SessionService`): the
/// browser answers `startSignIn`'s challenge with one of the account's keys.
extension PasskeyService {
    public func startSignIn(accountID: Int64) throws -> PasskeyChallenge {
        try challenge(accountID: accountID, purpose: Self.signInPurpose)
    }

    /// What the browser sends back from `navigator.credentials.get`.
    public struct SignInAnswer: Sendable {
        public var credentialID: [UInt8]
        public var clientDataJSON: [UInt8]
        public var authenticatorData: [UInt8]
        public var signature: [UInt8]
        public var userHandle: [UInt8]?

        public init(credentialID: [UInt8], clientDataJSON: [UInt8], authenticatorData: [UInt8], signature: [UInt8], userHandle: [UInt8]?) {
            self.credentialID = credentialID
            self.clientDataJSON = clientDataJSON
            self.authenticatorData = authenticatorData
            self.signature = signature
            self.userHandle = userHandle
        }
    }

    /// `.passed` when `answer` proves one of the account's keys for a challenge this account
    /// was given. Through the throttle like a code: counted before anything is verified. A
    /// counter that went backwards refuses, is logged and mails the owner (a cloned key).
    public func verifySignIn(accountID: Int64, _ answer: SignInAnswer, client: Client) throws -> Throttle.Outcome {
        let passkeys = try requireSettings()
        var regression: PasskeyRecord?
        let outcome = try throttle.attempt(accountID: accountID, client: client) {
            guard answer.userHandle.map({ $0 == Self.userHandle(accountID: accountID) }) ?? true,
                  let key = try store.passkey(accountID: accountID, credentialID: answer.credentialID),
                  let challenge = try takeChallenge(answer.clientDataJSON, accountID: accountID, purpose: Self.signInPurpose),
                  let publicKey = try? COSEKey(encoded: key.publicKey)
            else { return false }
            do {
                let verified = try passkeys.relyingParty.verifyAssertion(
                    clientDataJSON: answer.clientDataJSON, authenticatorData: answer.authenticatorData,
                    signature: answer.signature, challenge: challenge, publicKey: publicKey,
                    storedSignCount: UInt32(clamping: key.signCount))
                return try store.usePasskey(
                    id: key.id, oldSignCount: key.signCount, newSignCount: Int64(verified.signCount), at: now())
            } catch WebAuthnError.counterRegression {
                regression = key
                return false
            } catch is WebAuthnError {
                return false
            }
        }
        if let key = regression { try counterWentBack(key, client: client) }
        return outcome
    }

    private func counterWentBack(_ key: PasskeyRecord, client: Client) throws {
        try log(.passkeyCounterRegression, accountID: key.accountID, client: client, detail: "“\(key.name)”")
        guard let account = try store.account(id: key.accountID) else { return }
        notices.send(Notice(
            to: account.email, subject: "authtoken: security key “\(key.name)” may have been copied",
            text: """
                A sign-in at \(Self.logTime(now())) used your security key “\(key.name)” with a signature \
                counter lower than one it had already sent. That happens when a key's secret was copied. The \
                sign-in was refused.

                If you did not try to sign in, remove the key on the Two-factor page, and change your password.
                """))
    }
}
