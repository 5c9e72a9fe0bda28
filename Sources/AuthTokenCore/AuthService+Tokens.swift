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
    public func createToken(_ request: TokenRequest, client: Client = .unknown) throws
        -> Result<IssuedToken, TokenRefusal>
    {
        guard let email = request.email, !email.isEmpty,
              let password = request.password, !password.isEmpty
        else { return .failure(.missingCredentials) }
        let scopes: [String]
        do { scopes = try settings.scopes.resolve(request.scope) } catch { return .failure(.invalidScope) }
        guard let displayName = Self.displayName(request.displayName, scopes: scopes) else {
            return .failure(.invalidDisplayName)
        }
        var expiry = TokenExpiry.never
        if let days = request.expiresInDays {
            guard let asked = TokenExpiry.days(days) else { return .failure(.invalidExpiry) }
            expiry = asked
        }
        let account: Account
        let appPassword: AppPasswordRecord?
        switch try checkFirstFactor(
            email: email, password: password, client: client, channel: "API mode", acceptAppPasswords: true)
        {
        case .success(let first): (account, appPassword) = (first.account, first.appPassword)
        case .failure(.blocked): return .failure(.blocked)
        // EMAIL_ID may hold a user name in the legacy protocol; one that is not an address
        // names no account here.
        case .failure(.invalidEmail), .failure(.noSuchUser): return .failure(.noSuchUser)
        case .failure(.wrongPassword): return .failure(.invalidPassword)
        case .failure(.notActive): return .failure(.notActive)
        case .failure(.notConfirmed): return .failure(.notConfirmed)
        }
        let mainPassword = appPassword == nil
        if mainPassword {
            guard try !hasTwoFactor(accountID: account.id) else {
                try log(.signInFailed, accountID: account.id, client: client,
                        detail: "API mode: two-factor account, application password needed")
                return .failure(.webLoginRequired)
            }
            try rehashIfNeeded(account, password: password)
        }
        let via = appPassword.map { "API mode, application password “\($0.name)”" } ?? "API mode"
        try log(.signIn, accountID: account.id, client: client, detail: via)
        let result = try issueToken(
            accountID: account.id, scopes: scopes, displayName: displayName, appPasswordID: appPassword?.id,
            expiry: expiry)
        switch result {
        case .success(let issued):
            try tokenCreated(issued, account: account, client: client, via: via)
            if let appPassword { try store.touchAppPassword(id: appPassword.id, at: now()) }
        case .failure:
            try log(.tokenRefused, accountID: account.id, client: client, detail: via)
        }
        return result
    }

    /// Stores a new token for an account that has already been authenticated, with the
    /// lifetime `expiry` asks for within the policy (`invalidExpiry` when it is unusable).
    public func issueToken(
        accountID: Int64, scopes: [String], displayName: String, appPasswordID: Int64? = nil,
        expiry: TokenExpiry = .never
    ) throws -> Result<IssuedToken, TokenRefusal> {
        let lifetime: Int64?
        do { lifetime = try self.lifetime(for: expiry) } catch { return .failure(error) }
        let secret = TokenSecret.generate()
        let new = NewToken(
            accountID: accountID, digest: secret.digest, hint: secret.hint,
            scopes: scopes, displayName: displayName, createdAt: now(), appPasswordID: appPasswordID,
            expiresAt: self.expiry(lifetime: lifetime), lifetime: lifetime)
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

    /// The application name to store: trimmed, within `NameRule`. Missing means the scope
    /// list, so every token has some name.
    static func displayName(_ raw: String?, scopes: [String]) -> String? {
        let name = (raw ?? "").trimmingSpaces()
        if name.isEmpty { return scopes.joined(separator: ",") }
        guard NameRule.allows(name) else { return nil }
        return name
    }
}

extension TokenRecordSummary {
    public init(_ record: TokenRecord) {
        self.init(
            id: record.id, hint: record.hint, scopes: record.scopes, displayName: record.displayName,
            expiresAt: record.expiresAt)
    }
}
