@_spi(Testing) import AuthTokenCore
import AuthTokenStore
import AuthTokenTestKit
import Foundation
import Testing

/// Rotating AUTHTOKEN_SECRET_KEY: a new key with the old one as AUTHTOKEN_SECRET_KEY_PREVIOUS.
/// Two-factor sign-in works before, during and after; application passwords and device
/// cookies keep working; what the old key sealed is sealed again with the new one.
@Suite struct KeyRotationTests {
    static let old = String(repeating: "1a", count: 32)
    static let new = String(repeating: "2b", count: 32)

    func service(_ t: TestStore, key: String, previous: String?, at step: Int64) -> AuthService {
        var settings = t.auth.settings
        settings.secretBox = SecretBox(hexKey: key, previousHexKey: previous)
        let time = Date(timeIntervalSince1970: Double(step * 30))
        return AuthService(store: t.store, settings: settings, now: { time })
    }

    func code(_ secret: String, _ step: Int64) -> String {
        TOTP.code(secret: Base32.decode(secret)!, step: step)
    }

    @Test func twoFactorAppPasswordsAndDeviceCookiesSurviveARotation() throws {
        let t = try TestStore(secretBox: SecretBox(hexKey: Self.old))
        let before = service(t, key: Self.old, previous: nil, at: 60_000_000)
        let account = try before.accounts.addAccount(email: "ann@example.com", displayName: nil, password: "password1", confirmed: true)
        let setup = try #require(try before.twoFactor.startTwoFactorSetup(account: account))
        _ = try before.twoFactor.confirmTwoFactorSetup(account: account, keepSession: nil, password: "password1", code: code(setup.secret, 60_000_000)).get()
        let app = try before.appPasswords.createAppPassword(account: account, name: "ci", currentPassword: "password1", client: .unknown).get()
        let device = try #require(before.deviceCookies?.make(accountID: account.id))
        let sealedByOld = try #require(try t.store.twoFactor(accountID: account.id)?.sealedSecret)

        // During: the new key, the old one still accepted.
        let during = service(t, key: Self.new, previous: Self.old, at: 60_000_002)
        #expect(during.deviceCookies?.device(in: device, accountID: account.id) != nil)
        #expect(try during.twoFactor.checkSecondFactor(accountID: account.id, code: code(setup.secret, 60_000_002)))
        #expect(try t.store.twoFactor(accountID: account.id)?.sealedSecret != sealedByOld)  // sealed again on use
        let token = try during.tokens.createToken(TokenRequest(email: "ann@example.com", password: app.password, scope: "ZohoCRM/crmapi",
                                                        displayName: nil))
        #expect(throws: Never.self) { try token.get() }

        // After: the old key is gone; the secret and the application password still work.
        let after = service(t, key: Self.new, previous: nil, at: 60_000_004)
        #expect(try after.twoFactor.checkSecondFactor(accountID: account.id, code: code(setup.secret, 60_000_004)))
        #expect(throws: Never.self) {
            try after.tokens.createToken(TokenRequest(email: "ann@example.com", password: app.password, scope: "ZohoCRM/crmapi",
                                               displayName: nil)).get()
        }
        #expect(after.deviceCookies?.device(in: device, accountID: account.id) == nil)  // old cookies end with the old key
    }

    @Test func rotateSecretsSealsEverySecretAgainAndNamesTheUnreadable() throws {
        let t = try TestStore(secretBox: SecretBox(hexKey: Self.old))
        let before = service(t, key: Self.old, previous: nil, at: 60_000_000)
        var secrets: [Int64: String] = [:]
        for name in ["a", "b"] {
            let account = try before.accounts.addAccount(email: "\(name)@example.com", displayName: nil, password: "password1", confirmed: true)
            let setup = try #require(try before.twoFactor.startTwoFactorSetup(account: account))
            _ = try before.twoFactor.confirmTwoFactorSetup(account: account, keepSession: nil, password: "password1", code: code(setup.secret, 60_000_000)).get()
            secrets[account.id] = setup.secret
        }
        let stranger = SecretBox(hexKey: String(repeating: "3c", count: 32))!
        let lost = try before.accounts.addAccount(email: "lost@example.com", displayName: nil, password: "password1", confirmed: true)
        #expect(try t.store.storePendingTwoFactor(accountID: lost.id, sealedSecret: stranger.seal([1, 2, 3], accountID: lost.id)))

        let during = service(t, key: Self.new, previous: Self.old, at: 60_000_002)
        let result = try during.twoFactor.resealTwoFactorSecrets()
        #expect(result.resealed == 2 && result.unreadable == [lost.id])
        #expect(try during.twoFactor.resealTwoFactorSecrets().resealed == 0)
        let after = service(t, key: Self.new, previous: nil, at: 60_000_004)
        for (id, secret) in secrets {
            #expect(try after.twoFactor.checkSecondFactor(accountID: id, code: code(secret, 60_000_004)))
        }
    }

    /// The key replaced without a rotation: a code is simply wrong (no error page), and a
    /// recovery code still signs in.
    @Test func aSecretNoKeyOpensMakesEveryCodeWrongButRecoveryCodesWork() throws {
        let t = try TestStore(secretBox: SecretBox(hexKey: Self.old))
        let before = service(t, key: Self.old, previous: nil, at: 60_000_000)
        let account = try before.accounts.addAccount(email: "ann@example.com", displayName: nil, password: "password1", confirmed: true)
        let setup = try #require(try before.twoFactor.startTwoFactorSetup(account: account))
        let codes = try before.twoFactor.confirmTwoFactorSetup(account: account, keepSession: nil, password: "password1", code: code(setup.secret, 60_000_000)).get()
        let replaced = service(t, key: Self.new, previous: nil, at: 60_000_002)
        #expect(try replaced.twoFactor.checkSecondFactor(accountID: account.id, code: code(setup.secret, 60_000_002)) == false)
        #expect(try replaced.twoFactor.checkSecondFactor(accountID: account.id, code: try #require(codes.first)))
    }
}
