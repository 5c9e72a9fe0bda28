import AuthTokenStore
import Foundation

extension AuthService {
    /// API mode: checks the credentials and issues a token.
    ///
    /// The order of checks is part of the contract: cheap request checks first, then the
    /// account, then the password, and only after the password matched does the answer
    /// reveal that the account is deactivated or unconfirmed. An account with two-factor on
    /// gets `webLoginRequired` for its main password (after those checks: a deactivated
    /// account is told so whichever password it used) and a token for an application password.
    public func createToken(_ request: TokenRequest) throws -> Result<IssuedToken, TokenRefusal> {
        guard let email = request.email, !email.isEmpty,
              let password = request.password, !password.isEmpty
        else { return .failure(.missingCredentials) }
        let scopes: [String]
        do { scopes = try settings.scopes.resolve(request.scope) } catch { return .failure(.invalidScope) }
        guard let displayName = Self.displayName(request.displayName, scopes: scopes) else {
            return .failure(.invalidDisplayName)
        }
        guard let account = try store.account(email: email) else { return .failure(.noSuchUser) }
        // The main password first (one hash), then the account's few application passwords.
        let mainPassword = hasher.verify(password, against: account.passwordHash)
        let appPassword = mainPassword ? nil : try matchingAppPassword(password, accountID: account.id)
        guard mainPassword || appPassword != nil else { return .failure(.invalidPassword) }
        guard account.active else { return .failure(.notActive) }
        guard account.confirmed else { return .failure(.notConfirmed) }
        if mainPassword {
            guard try !hasTwoFactor(accountID: account.id) else { return .failure(.webLoginRequired) }
            try rehashIfNeeded(account, password: password)
        }
        let result = try issueToken(
            accountID: account.id, scopes: scopes, displayName: displayName, appPasswordID: appPassword?.id)
        if let appPassword, case .success = result { try store.touchAppPassword(id: appPassword.id, at: now()) }
        return result
    }

    /// Stores a new token for an account that has already been authenticated.
    public func issueToken(accountID: Int64, scopes: [String], displayName: String, appPasswordID: Int64? = nil) throws
        -> Result<IssuedToken, TokenRefusal>
    {
        let secret = TokenSecret.generate()
        let new = NewToken(
            accountID: accountID, digest: secret.digest, hint: secret.hint,
            scopes: scopes, displayName: displayName, createdAt: now(), appPasswordID: appPasswordID)
        do {
            let record = try store.insertToken(new, limit: settings.maxTokensPerAccount)
            return .success(IssuedToken(secret: secret, record: TokenRecordSummary(record)))
        } catch StoreError.tokenLimitReached {
            return .failure(.tooManyTokens)
        }
    }

    /// Replaces a stored hash made with older Argon2 parameters. Failing to store the new
    /// hash must not fail the sign-in that already succeeded, so errors are swallowed here.
    func rehashIfNeeded(_ account: Account, password: String) throws {
        guard hasher.needsRehash(account.passwordHash),
              let fresh = try? hasher.hash(password) else { return }
        _ = try? store.setPasswordHash(accountID: account.id, fresh)
    }

    /// The application name to store: trimmed, at most 100 characters, no control
    /// characters. Missing means the scope list, so every token has some name.
    static func displayName(_ raw: String?, scopes: [String]) -> String? {
        let name = (raw ?? "").trimmingSpaces()
        if name.isEmpty { return scopes.joined(separator: ",") }
        guard name.count <= 100,
              !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        return name
    }
}

extension TokenRecordSummary {
    public init(_ record: TokenRecord) {
        self.init(id: record.id, hint: record.hint, scopes: record.scopes, displayName: record.displayName)
    }
}
