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
    /// PostgreSQL: seconds a call waits for a primary (nil: the backend's default).
    public var primaryWaitSeconds: Int?
    public var listen: ListenAddress
    public var threads: Int
    /// The token check's own listener and threads, which password work never reaches.
    public var checkListen: CheckListenAddress
    public var checkThreads: Int
    /// The HTTP check listener's limits: open connections, and seconds a kept one may idle.
    public var checkMaxConnections: Int
    public var checkIdleSeconds: Double
    public var maxBodyBytes: Int
    public var shutdownGraceSeconds: Double
    public var logLevel: String
    /// `text` (swift-log's lines) or `json` (one object a line).
    public var logFormat: String
    public var auth: AuthSettings
    /// The browser pages' settings; see `BrowserConfiguration`.
    public var browser: BrowserConfiguration

    /// Every key the file may hold (`Setting.all`); anything else in it is a mistake worth stopping for.
    public static var keys: [String] { Setting.all.map(\.name) }

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
