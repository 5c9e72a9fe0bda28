import AuthTokenCore
import AuthTokenStore
import Dispatch
import AuthTokenTestKit
import Synchronization
import Testing

@Suite struct AuthServiceTests {
    func request(_ email: String?, _ password: String?, scope: String? = "ZohoCRM/crmapi", name: String? = nil)
        -> TokenRequest
    {
        TokenRequest(email: email, password: password, scope: scope, displayName: name)
    }

    func refusal(_ result: Result<IssuedToken, TokenRefusal>) -> TokenRefusal? {
        if case .failure(let refusal) = result { return refusal }
        return nil
    }

    @Test func issuesATokenAndStoresOnlyItsDigest() throws {
        let t = try TestStore()
        let account = try t.auth.accounts.addAccount(email: "ann@example.com", displayName: "Ann", password: "password1", confirmed: true)
        let issued = try t.auth.tokens.createToken(request("ANN@example.com", "password1", name: "CRM sync")).get()
        #expect(TokenSecret.isWellFormed(issued.secret.value))
        let stored = try t.store.tokens(accountID: account.id)
        #expect(stored.count == 1)
        #expect(stored[0].digest == TokenSecret.digest(of: issued.secret.value))
        #expect(stored[0].scopes == ["ZohoCRM/crmapi"])
        #expect(stored[0].displayName == "CRM sync")
        #expect(try t.store.token(digest: TokenSecret.digest(of: issued.secret.value))?.id == stored[0].id)
    }

    /// Without `DISPLAY_NAME` (or with only spaces) the token is named by its scope list.
    @Test func aTokenWithoutANameIsNamedByItsScopes() throws {
        let t = try TestStore()
        let account = try t.auth.accounts.addAccount(email: "ann@example.com", displayName: nil, password: "password1", confirmed: true)
        _ = try t.auth.tokens.createToken(request("ann@example.com", "password1", scope: "ZohoCRM/crmapi,ZohoPC/docsapi")).get()
        _ = try t.auth.tokens.createToken(request("ann@example.com", "password1", scope: "ZohoPC/docsapi,ZohoCRM/crmapi", name: "  ")).get()
        #expect(try t.store.tokens(accountID: account.id).map(\.displayName).sorted() == [
            "ZohoCRM/crmapi,ZohoPC/docsapi", "ZohoPC/docsapi,ZohoCRM/crmapi",
        ])
    }

    @Test func refusesInTheDocumentedOrder() throws {
        let t = try TestStore()
        _ = try t.auth.accounts.addAccount(email: "un@example.com", displayName: nil, password: "password1", confirmed: false)
        let off = try t.auth.accounts.addAccount(email: "off@example.com", displayName: nil, password: "password1", confirmed: false)
        try t.store.setActive(accountID: off.id, false)

        #expect(refusal(try t.auth.tokens.createToken(request(nil, "password1"))) == .missingCredentials)
        #expect(refusal(try t.auth.tokens.createToken(request("un@example.com", ""))) == .missingCredentials)
        #expect(refusal(try t.auth.tokens.createToken(request("nobody@example.com", "x", scope: "bogus/api"))) == .invalidScope)
        #expect(refusal(try t.auth.tokens.createToken(request("un@example.com", "x", name: "a\u{7}b"))) == .invalidDisplayName)
        #expect(refusal(try t.auth.tokens.createToken(request("nobody@example.com", "password1"))) == .noSuchUser)
        // The account's state is revealed only after the password matched.
        #expect(refusal(try t.auth.tokens.createToken(request("un@example.com", "wrong"))) == .invalidPassword)
        #expect(refusal(try t.auth.tokens.createToken(request("off@example.com", "wrong"))) == .invalidPassword)
        #expect(refusal(try t.auth.tokens.createToken(request("un@example.com", "password1"))) == .notConfirmed)
        #expect(refusal(try t.auth.tokens.createToken(request("off@example.com", "password1"))) == .notActive)
        #expect(try t.store.tokens(accountID: off.id).isEmpty)
    }

    @Test func neverExceedsTheCapUnderConcurrentRequests() throws {
        let t = try TestStore(maxTokens: 10)
        let account = try t.auth.accounts.addAccount(email: "cap@example.com", displayName: nil, password: "password1", confirmed: true)
        let results = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 20) { _ in
            results.append(try! t.auth.tokens.issueToken(accountID: account.id, scopes: ["ZohoCRM/crmapi"], displayName: "x"))
        }
        #expect(results.successes == 10)
        #expect(results.refusals == [TokenRefusal](repeating: .tooManyTokens, count: 10))
        #expect(try t.store.tokens(accountID: account.id).count == 10)
    }

    @Test func rehashesAnOldPasswordHashAfterASuccessfulSignIn() throws {
        let t = try TestStore()
        let weakOld = PasswordHasher(parameters: Argon2Parameters(memoryKiB: 19_456, iterations: 3))
        let account = try t.store.createAccount(NewAccount(
            email: "old@example.com", displayName: "Old", passwordHash: try weakOld.hash("password1"),
            confirmed: true, createdAt: .now))
        _ = try t.auth.tokens.createToken(request("old@example.com", "password1")).get()
        let hash = try #require(try t.store.account(id: account.id)?.passwordHash)
        #expect(hash.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(try t.auth.hasher.verify("password1", against: hash))
    }

    /// The sign-in form says the same for both; the work must be the same too, or its timing
    /// would tell which addresses have accounts.
    @Test func anUnknownAddressCostsOneHashLikeAWrongPassword() throws {
        let t = try TestStore()
        _ = try t.auth.accounts.addAccount(email: "ann@example.com", displayName: nil, password: "password1", confirmed: true)
        for email in ["ann@example.com", "nobody@example.com"] {
            let before = t.auth.hasher.hashCount
            guard case .failure(.wrongCredentials) = try t.auth.sessions.signIn(email: email, password: "password2") else {
                Issue.record("\(email): not refused as wrong credentials")
                continue
            }
            #expect(t.auth.hasher.hashCount - before == 1, "\(email)")
            let beforeAPI = t.auth.hasher.hashCount
            _ = try t.auth.tokens.createToken(request(email, "password2"))
            #expect(t.auth.hasher.hashCount - beforeAPI == 1, "\(email), API mode")
        }
    }

    /// Not an address: told at once, with no hash and nothing counted (it names no account).
    @Test func aMalformedAddressIsRefusedBeforeAnyHash() throws {
        let t = try TestStore()
        let before = t.auth.hasher.hashCount
        guard case .failure(.invalidEmail(.mixedScripts)) = try t.auth.sessions.signIn(email: "ann@exаmple.com", password: "password1")
        else { Issue.record("a Cyrillic а in the domain was not refused as mixed scripts"); return }
        #expect(refusal(try t.auth.tokens.createToken(request("ann@example.com,root", "password1"))) == .noSuchUser)
        #expect(t.auth.hasher.hashCount == before)
    }

    @Test func accountRulesAreChecked() throws {
        let t = try TestStore()
        #expect(throws: AccountError.invalidEmail(.notOneAt)) { try t.auth.accounts.addAccount(email: "no-at-sign", displayName: nil, password: "password1", confirmed: true) }
        #expect(throws: AccountError.weakPassword) { try t.auth.accounts.addAccount(email: "a@b.c", displayName: nil, password: "short", confirmed: true) }
        _ = try t.auth.accounts.addAccount(email: "Dup@Example.com", displayName: nil, password: "password1", confirmed: true)
        #expect(throws: AccountError.duplicateEmail) { try t.auth.accounts.addAccount(email: "dup@example.COM", displayName: nil, password: "password1", confirmed: true) }
        #expect(try t.auth.accounts.existingAccount(email: "DUP@example.com").email == "Dup@example.com")  // the domain lower-cased
    }
}

/// Collects results from concurrent threads.
final class ResultBox: Sendable {
    private let items = Mutex<[Result<IssuedToken, TokenRefusal>]>([])

    func append(_ item: Result<IssuedToken, TokenRefusal>) { items.withLock { $0.append(item) } }
    var successes: Int { items.withLock { $0.filter { if case .success = $0 { true } else { false } }.count } }
    var refusals: [TokenRefusal] {
        items.withLock { $0.compactMap { if case .failure(let r) = $0 { r } else { nil } } }
    }
}
