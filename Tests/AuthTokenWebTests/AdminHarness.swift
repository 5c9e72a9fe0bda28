import AuthTokenCore
import AuthTokenStore
import AuthTokenWeb
import Foundation
import Testing

/// An administrator with two-factor on, signed in through the pages, for the admin tests.
extension BrowserHarness {
    /// Creates `email`, grants it the administrators' pages, turns two-factor on, and signs
    /// this browser in with password and code. Returns the account.
    @discardableResult
    func signInAsAdmin(_ email: String = "root@example.com", twoFactor: Bool = true) throws -> Account {
        let id = try addAccount(email)
        try t.auth.accounts.setAdmin(accountID: id, true)
        let account = try #require(try t.auth.admin.account(id: id))
        cookies = [:]
        guard twoFactor else {
            signIn(email, "password1")
            return account
        }
        let setup = try #require(try t.auth.twoFactor.startTwoFactorSetup(account: account))
        let secret = try #require(Base32.decode(setup.secret))
        _ = try t.auth.twoFactor.confirmTwoFactorSetup(
            account: account, keepSession: nil, password: "password1", code: TOTP.code(secret: secret, step: TOTP.step(at: clock.now))).get()
        clock.advance(60)
        #expect(signIn(email, "password1").header("Location") == "/signin/code")
        let codeForm = get("/signin/code")
        let done = post("/signin/code", [("csrf", Self.formToken(codeForm)),
                                         ("code", TOTP.code(secret: secret, step: TOTP.step(at: clock.now)))])
        #expect(done.status == 303)
        return account
    }

    /// Issues a token to `accountID` at the harness clock's time; returns its value and record.
    func issue(_ accountID: Int64, _ name: String = "app", scopes: [String] = ["ZohoCRM/crmapi"]) throws
        -> (value: String, id: Int64)
    {
        let issued = try t.auth.tokens.issueToken(accountID: accountID, scopes: scopes, displayName: name).get()
        return (issued.secret.value, issued.record.id)
    }

    /// Whether the token check lets `token` through for its scope now.
    func passes(_ token: String, scope: String = "ZohoCRM/crmapi") throws -> Bool {
        if case .allowed = try t.auth.check.checkToken(token, scope: scope, from: "192.0.2.1") { return true }
        return false
    }
}
