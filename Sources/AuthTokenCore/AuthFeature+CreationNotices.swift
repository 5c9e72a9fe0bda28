import AuthTokenStore
import Foundation

/// Creation notices (`AuthSettings.creationNotices`, on by default): the owner gets an
/// e-mail whenever a token or an application password is made for the account, naming it,
/// its scopes and where the request came from, so one made by someone else does not go
/// unnoticed. The e-mail never holds the secret.
extension AuthFeature {
    /// The notice for an application password just created.
    func appPasswordCreated(_ record: AppPasswordRecord, account: Account, client: Client) {
        sendCreationNotice(
            to: account.email, subject: "authtoken: new application password “\(record.name)”",
            what: "A new application password “\(record.name)” (it can get tokens in API mode for any scope)",
            client: client, via: "the Application passwords page")
    }

    func sendCreationNotice(to email: String, subject: String, what: String, client: Client, via: String) {
        guard settings.creationNotices else { return }
        let address = client.address.isEmpty ? "an unknown address" : client.address
        let agent = client.userAgent.isEmpty ? "" : " (\(client.userAgent))"
        notices.send(Notice(to: email, subject: subject, text: """
            \(what) was created for your account at \(Self.logTime(now())), through \(via), \
            from \(address)\(agent).

            If that was you, there is nothing to do. If not, remove it on the authtoken pages at once, \
            change your password, and look at your activity page.
            """))
    }
}

extension TokenService {
    /// Writes the activity entry of a token just issued ("`via`, token #id …hint") and sends
    /// the creation notice. API mode calls it itself; the browser pages call it after `issueToken`.
    public func tokenCreated(_ issued: IssuedToken, account: Account, client: Client, via: String) throws {
        try log(.tokenCreated, accountID: account.id, client: client,
                detail: via + ", " + ActivityService.tokenDetail(id: issued.record.id, hint: issued.record.hint))
        let expires = issued.record.expiresAt.map { "expires \(Self.logTime($0))" } ?? "does not expire"
        sendCreationNotice(
            to: account.email, subject: "authtoken: new token “\(issued.record.displayName)”",
            what: "A new auth token “\(issued.record.displayName)” (\(issued.record.hint), scopes "
                + "\(issued.record.scopes.joined(separator: ", ")); it \(expires))",
            client: client, via: via)
    }
}
