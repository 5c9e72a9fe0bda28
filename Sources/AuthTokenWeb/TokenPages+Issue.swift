import AuthTokenCore
import Foundation

/// Issuing a token from a page (the token page's form, browser mode) and showing it once.
extension TokenPages {
    /// Issues a token and shows it once, with the API-mode answer beside it.
    func issue(_ user: SignedIn, scopes: [String], name: String, expiry: TokenExpiry = .never) throws -> HTTPResponse {
        switch try tokens.issueToken(accountID: user.account.id, scopes: scopes, displayName: name, expiry: expiry) {
        case .success(let issued):
            try tokens.tokenCreated(issued, account: user.account, client: user.client, via: "browser")
            logger.info("token created in the browser", metadata: [
                "token.id": "\(issued.record.id)", "token.hint": "\(issued.record.hint)",
            ])
            return shownOnce(issued, user, regenerated: false)
        case .failure(.invalidExpiry):
            throw PageRefusal.unusableExpiry
        case .failure:
            try activity.record(.tokenRefused, accountID: user.account.id, client: user.client, detail: "browser")
            throw PageRefusal.tooManyTokens(max: settings.maxTokensPerAccount)
        }
    }

    /// The page that shows a token's value, the only time it is ever shown.
    func shownOnce(_ issued: IssuedToken, _ user: SignedIn, regenerated: Bool) -> HTTPResponse {
        let page = TokenCreatedView(
            title: regenerated ? "Token regenerated" : "Token created", regenerated: regenerated,
            token: issued.secret.value, name: issued.record.displayName,
            scopes: issued.record.scopes.joined(separator: ", "), hint: issued.record.hint,
            answer: LegacyAnswer.token(issued.secret.value).body(date: JavaDate.localString(from: now())),
            expires: issued.record.expiresAt.map(PageDate.string(from:)), expiresISO: issued.record.expiresAt.map(PageDate.iso))
        return view.page(page, user: user)
    }
}
