import Foundation
import Testing

import AuthTokenConfig

/// Loading from the environment and from the file: defaults from `Setting.all`, the
/// environment over the file, and every refusal naming its key.
private let publicURLRule = "is not an absolute http:// or https:// URL without query or fragment"

@Suite struct ConfigurationLoadingTests {
    /// A folder of its own with no configuration file, as `DATA_DIR`.
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "authtoken-config-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func load(_ environment: [String: String] = [:], file: String? = nil, mode: Int = 0o600) async throws -> AppConfiguration {
        if let file {
            let path = folder + "/authtoken.conf"
            try file.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        }
        return try await AppConfiguration.load(environment: ["DATA_DIR": folder].merging(environment) { $1 })
    }

    /// The message of the error `load` throws.
    func refusal(_ environment: [String: String] = [:], file: String? = nil, mode: Int = 0o600) async -> String? {
        do {
            _ = try await load(environment, file: file, mode: mode)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func withNothingSetEveryValueIsTheTablesDefault() async throws {
        let config = try await load()
        #expect(config.configFile == folder + "/authtoken.conf")
        #expect(config.databasePath == folder + "/authtoken.sqlite")
        #expect(config.listen.description == "unix:\(folder)/authtoken.sock")
        #expect(config.threads == Int(Setting.named("AUTHTOKEN_THREADS")!.defaultValue!))
        #expect(config.checkThreads == 32)
        #expect(config.primaryWaitSeconds == nil)
        #expect(config.auth.maxTokensPerAccount == 10)
        #expect(config.auth.argon2.memoryKiB == 19_456)
        #expect(config.auth.throttle.window == 600)
        #expect(config.auth.sessions.idleTimeout == 30 * 60)
        #expect(config.auth.activityRetention == Double(365 * 86_400))
        #expect(config.logLevel == "info" && config.logFormat == "text")
        #expect(config.browser.registration == false)
        #expect(config.browser.wwwDirectory == "/usr/share/authtoken/www")
        #expect(config.auth.secretBox == nil)
    }

    @Test func theFileSetsValuesAndTheEnvironmentOverridesThem() async throws {
        let file = """
            # a comment
            AUTHTOKEN_MAX_TOKENS = 4
            AUTHTOKEN_REGISTRATION=on
            AUTHTOKEN_LOG_FORMAT=json
            AUTHTOKEN_THREADS=40

            """
        let config = try await load(["AUTHTOKEN_MAX_TOKENS": "7", "AUTHTOKEN_UNCONFIRMED_DAYS": "0"], file: file)
        #expect(config.auth.maxTokensPerAccount == 7)
        #expect(config.browser.registration == true)
        #expect(config.logFormat == "json")
        #expect(config.threads == 40)
        #expect(config.auth.passwordQueue.maxWaiting == 40 - config.auth.passwordQueue.threads - 8)
        #expect(config.auth.sessions.unconfirmedLifetime == nil)
    }

    /// The wait for a PostgreSQL primary: unset leaves the backend's own default (30 s with
    /// several servers, 0 with one); set, it is that many seconds, within 0...300.
    @Test func thePrimaryWaitIsReadWhenSet() async throws {
        #expect(try await load(["AUTHTOKEN_PRIMARY_WAIT_SECONDS": "12"]).primaryWaitSeconds == 12)
        #expect(try await load(["AUTHTOKEN_PRIMARY_WAIT_SECONDS": "0"]).primaryWaitSeconds == 0)
        #expect(await refusal(file: "AUTHTOKEN_PRIMARY_WAIT_SECONDS=301\n")
            == "configuration: AUTHTOKEN_PRIMARY_WAIT_SECONDS: 301 is outside 0...300")
    }

    @Test func anEmptyValueMeansTheDefault() async throws {
        let config = try await load(["AUTHTOKEN_LOG_LEVEL": ""], file: "AUTHTOKEN_MAX_TOKENS=\n")
        #expect(config.logLevel == "info")
        #expect(config.auth.maxTokensPerAccount == 10)
    }

    @Test(arguments: [
        ("AUTHTOKEN_MAX_TOKENS", "ten", "configuration: AUTHTOKEN_MAX_TOKENS: 'ten' is not a valid value"),
        ("AUTHTOKEN_MAX_TOKENS", "0", "configuration: AUTHTOKEN_MAX_TOKENS: 0 is outside 1...10000"),
        ("AUTHTOKEN_ARGON2_MEMORY_KIB", "1024", "configuration: AUTHTOKEN_ARGON2_MEMORY_KIB: 1024 is outside 19456...4194304"),
        ("AUTHTOKEN_REGISTRATION", "maybe", "configuration: AUTHTOKEN_REGISTRATION: 'maybe' is not a valid value"),
        ("AUTHTOKEN_LOG_FORMAT", "xml", "configuration: AUTHTOKEN_LOG_FORMAT: must be one of text, json"),
        ("AUTHTOKEN_LISTEN", "nowhere", "configuration: AUTHTOKEN_LISTEN: 'nowhere' is not unix:/path, host:port, fd:N or stdin"),
        ("AUTHTOKEN_SECRET_KEY", "abc", "configuration: AUTHTOKEN_SECRET_KEY: must be 64 hex characters (32 bytes)"),
        ("AUTHTOKEN_PUBLIC_URL", "ftp://x", "configuration: AUTHTOKEN_PUBLIC_URL: 'ftp://x' " + publicURLRule),
        ("AUTHTOKEN_PUBLIC_URL", "tokens.example.com", "configuration: AUTHTOKEN_PUBLIC_URL: 'tokens.example.com' " + publicURLRule),
        ("AUTHTOKEN_PUBLIC_URL", "https://", "configuration: AUTHTOKEN_PUBLIC_URL: 'https://' " + publicURLRule),
        ("AUTHTOKEN_PUBLIC_URL", "https://t.example/?next=x", "configuration: AUTHTOKEN_PUBLIC_URL: 'https://t.example/?next=x' " + publicURLRule),
        ("AUTHTOKEN_PUBLIC_URL", "https://t.example/#x", "configuration: AUTHTOKEN_PUBLIC_URL: 'https://t.example/#x' " + publicURLRule),
        ("AUTHTOKEN_PUBLIC_URL", "https://u:p@t.example", "configuration: AUTHTOKEN_PUBLIC_URL: 'https://u:p@t.example' " + publicURLRule),
    ])
    func aBadValueInTheEnvironmentIsRefusedNamingTheKey(key: String, value: String, message: String) async {
        #expect(await refusal([key: value]) == message)
    }

    @Test func aBadValueInTheFileIsRefusedNamingTheKey() async {
        #expect(await refusal(file: "AUTHTOKEN_SESSION_MAX_HOURS=999\n")
            == "configuration: AUTHTOKEN_SESSION_MAX_HOURS: 999 is outside 1...168")
    }

    @Test func anUnknownKeyOrALineThatIsNoSettingInTheFileIsRefusedWithItsLine() async {
        let path = folder + "/authtoken.conf"
        #expect(await refusal(file: "# ok\nAUTHTOKEN_MAX_TOKEN=5\n") == "configuration: \(path):2: unknown key AUTHTOKEN_MAX_TOKEN")
        #expect(await refusal(file: "AUTHTOKEN_MAX_TOKENS 5\n") == "configuration: \(path):1: is not a KEY=value line")
    }

    @Test func aSecretKeyInAFileOthersCanReadIsRefused() async {
        let path = folder + "/authtoken.conf"
        let key = String(repeating: "ab", count: 32)
        #expect(await refusal(file: "AUTHTOKEN_SECRET_KEY=\(key)\n", mode: 0o644)
            == "configuration: AUTHTOKEN_SECRET_KEY: is in \(path), which other users can read (mode 644): run chmod 600 \(path)")
        #expect(await refusal(file: "AUTHTOKEN_SECRET_KEY=\(key)\n", mode: 0o600) == nil)
    }

    @Test func anExplicitConfigFileMustExist() async {
        #expect(await refusal(["AUTHTOKEN_CONFIG": folder + "/missing.conf"])
            == "configuration: AUTHTOKEN_CONFIG: cannot read \(folder)/missing.conf")
    }

    @Test func hashWorkMustLeaveThreadsForPages() async {
        #expect(await refusal(["AUTHTOKEN_THREADS": "10", "AUTHTOKEN_HASH_CONCURRENCY": "2", "AUTHTOKEN_HASH_QUEUE": "8"])
            == "configuration: AUTHTOKEN_HASH_QUEUE: AUTHTOKEN_HASH_CONCURRENCY + AUTHTOKEN_HASH_QUEUE (10) must be below AUTHTOKEN_THREADS (10)")
    }
}
