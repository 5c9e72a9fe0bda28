import AuthTokenCore
import AuthTokenSQLite
import AuthTokenStore
import Foundation

/// A fresh SQLite database in its own temporary folder, and an AuthService over it, for
/// tests of any layer above the store. Creation notices are off unless a test asks for
/// them, so that the mail other tests read is not raced by a notice.
public struct TestStore: Sendable {
    public let directory: URL
    public let store: SQLiteStore
    public let auth: AuthService

    public init(maxTokens: Int = 10, argon2: Argon2Parameters = .minimum,
        sessions: SessionSettings = SessionSettings(),
        secretBox: SecretBox? = TestStore.secretBox,
        throttle: ThrottleRule = ThrottleRule(),
        passwordQueue: PasswordQueue.Limits = PasswordQueue.Limits(threads: 2),
        maxTokenLifetimeDays: Int? = nil,
        creationNotices: Bool = false,
        passkeys: PasskeySettings? = nil,
        ldap: (settings: DirectorySettings, client: any Directory)? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("authtoken-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory.appendingPathComponent("test.sqlite").path, readers: 8)
        let settings = AuthSettings(
            maxTokensPerAccount: maxTokens, scopes: try ScopeList(ScopeList.defaults), argon2: argon2,
            passwordQueue: passwordQueue, sessions: sessions, secretBox: secretBox, throttle: throttle,
            maxTokenLifetimeDays: maxTokenLifetimeDays, creationNotices: creationNotices, passkeys: passkeys,
            directory: ldap?.settings)
        auth = AuthService(store: store, settings: settings, directory: ldap?.client, now: now)
    }

    /// A fixed key for sealing TOTP secrets in tests.
    public static let secretBox = SecretBox(hexKey: String(repeating: "5a", count: 32))
}
