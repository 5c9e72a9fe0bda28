import AuthTokenCore
import FastCGI
import Foundation

/// Everything both executables read from the configuration, validated.
///
/// Where it comes from, highest first: the process environment, the configuration file
/// (`KEY=value` lines), the defaults below. `DATA_DIR`, when set, moves the defaults for
/// the file, database and socket into that folder, so several instances run side by side
/// and the admin CLI finds the server's database. See the table in docs/configuration.md.
public struct AppConfiguration: Sendable {
    public var configFile: String
    public var databasePath: String
    /// The main listener: pages, API mode, everything with password work.
    public var listen: ListenAddress
    public var threads: Int
    /// The token check's own listener and threads, which password work never reaches.
    public var checkListen: ListenAddress
    public var checkThreads: Int
    public var maxBodyBytes: Int
    public var shutdownGraceSeconds: Double
    public var logLevel: String
    /// `text` (swift-log's lines) or `json` (one object a line).
    public var logFormat: String
    public var auth: AuthSettings
    /// The browser pages' settings; see `BrowserConfiguration`.
    public var browser: BrowserConfiguration

    /// Every key the file may hold; anything else in it is a mistake worth stopping for.
    public static let keys: [String] = [
        "AUTHTOKEN_DATABASE", "AUTHTOKEN_LISTEN", "AUTHTOKEN_SOCKET_MODE", "AUTHTOKEN_THREADS",
        "AUTHTOKEN_MAX_BODY_BYTES", "AUTHTOKEN_SHUTDOWN_GRACE_SECONDS", "AUTHTOKEN_LOG_LEVEL",
        "AUTHTOKEN_MAX_TOKENS", "AUTHTOKEN_SCOPES", "AUTHTOKEN_ARGON2_MEMORY_KIB",
        "AUTHTOKEN_ARGON2_ITERATIONS", "AUTHTOKEN_ARGON2_PARALLELISM", "AUTHTOKEN_HASH_CONCURRENCY",
        "AUTHTOKEN_HASH_QUEUE", "AUTHTOKEN_HASH_QUEUE_WAIT_MS", "AUTHTOKEN_MAX_APP_PASSWORDS",
        "AUTHTOKEN_CHECK_LISTEN", "AUTHTOKEN_CHECK_THREADS",
        "AUTHTOKEN_SECRET_KEY", "AUTHTOKEN_THROTTLE_MAX_FAILURES", "AUTHTOKEN_THROTTLE_WINDOW_SECONDS",
        "AUTHTOKEN_THROTTLE_BLOCK_SECONDS", "AUTHTOKEN_ACTIVITY_DAYS", "AUTHTOKEN_LOG_FORMAT",
        "AUTHTOKEN_SECRET_KEY_PREVIOUS", "AUTHTOKEN_MAX_TOKEN_LIFETIME_DAYS",
        "AUTHTOKEN_ROTATION_GRACE_SECONDS", "AUTHTOKEN_CREATION_NOTICES",
    ] + BrowserConfiguration.keys

    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
}

/// A configuration value that cannot be used. The message names the key.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let key: String
    public let problem: String

    public init(key: String, problem: String) {
        self.key = key
        self.problem = problem
    }

    public var description: String { "configuration: \(key): \(problem)" }
}
