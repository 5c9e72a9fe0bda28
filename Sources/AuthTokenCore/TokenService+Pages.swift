import AuthTokenStore
import Foundation

/// What the Active Authtokens page does besides issuing: always for one account, so a
/// token id of another account behaves exactly like one that does not exist.
extension TokenService {
    /// Gives the token a new secret; every value it had before stops working with this
    /// write, the ones rotated out by `/apiauthtoken/rotate` included (still in their grace
    /// window or not), and none of them counts as reuse afterwards: the owner replaced the
    /// token. Same id, name and scopes. Nil when the account has no token with this id.
    ///
    /// This is also how an expired token is renewed: the new value gets the token's own
    /// lifetime counted from now, within the policy's cap (so a permanent token made before
    /// a cap was set gets the cap once it is regenerated).
    public func regenerateToken(id: Int64, accountID: Int64) throws -> IssuedToken? {
        guard let old = try store.token(id: id, accountID: accountID) else { return nil }
        let secret = TokenSecret.generate()
        guard let record = try store.replaceTokenSecret(
            id: id, accountID: accountID, digest: secret.digest, hint: secret.hint,
            expiresAt: expiry(lifetime: capped(old.lifetime)))
        else { return nil }
        usage.forget(tokenID: id)  // a use of the old value must not show as the new one's
        return IssuedToken(secret: secret, record: TokenRecordSummary(record))
    }

    /// Deletes the token permanently and writes it to the owner's activity log as
    /// "`via`, token #id …hint"; false when the account has no token with this id.
    public func removeToken(id: Int64, accountID: Int64, client: Client = .unknown, via: String) throws -> Bool {
        guard let token = try store.token(id: id, accountID: accountID),
              try store.deleteToken(id: id, accountID: accountID)
        else { return false }
        try log(.tokenRemoved, accountID: accountID, client: client, detail: via + ", " + ActivityService.tokenDetail(id: id, hint: token.hint))
        return true
    }

    /// The account's tokens, oldest first (digests and hints, never secrets).
    public func list(accountID: Int64) throws -> [TokenRecord] {
        try store.tokens(accountID: accountID)
    }

    /// The account's token with this id; nil for none, or another account's.
    public func token(id: Int64, accountID: Int64) throws -> TokenRecord? {
        try store.token(id: id, accountID: accountID)
    }

    /// Checks a browser's application name the way API mode checks `DISPLAY_NAME`.
    public static func applicationName(_ raw: String?, scopes: [String]) -> String? {
        displayName(raw, scopes: scopes)
    }
}

extension TokenService {
    /// Deletes a token given its value (`/apiauthtoken/delete`): holding a token is
    /// authority enough to throw it away.
    /// The deletion goes to the owner's activity log, named by id and hint.
    public func deleteToken(value token: String?, client: Client = .unknown) throws -> Bool {
        guard let token, TokenSecret.isWellFormed(token) else { return false }
        let digest = TokenSecret.digest(of: token)
        let record = try store.token(digest: digest)
        guard try store.deleteToken(digest: digest) else { return false }
        if let record {
            try log(.tokenRemoved, accountID: record.accountID, client: client,
                    detail: "/apiauthtoken/delete, " + ActivityService.tokenDetail(id: record.id, hint: record.hint))
        }
        return true
    }
}
