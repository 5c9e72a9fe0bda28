import AuthTokenCore
import Configuration
import FastCGI
import Foundation
import Synchronization
import SystemPackage

extension AppConfiguration {
    /// Reads and validates the configuration. Throws `ConfigurationError` naming the first
    /// bad key, so start-up stops with a message a sysadmin can act on.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) async throws
        -> AppConfiguration
    {
        let dataDir = environment["DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        let (file, values) = try await sources(environment)
        let base = dataDir ?? "/var/lib/authtoken"
        let mode = try values.parse("AUTHTOKEN_SOCKET_MODE", default: "660") { mode_t($0, radix: 8) }
        let listen = try values.address(
            "AUTHTOKEN_LISTEN", default: dataDir.map { "unix:\($0)/authtoken.sock" } ?? "unix:/run/authtoken/fcgi.sock",
            socketMode: mode)
        let checkListen = try values.address(
            "AUTHTOKEN_CHECK_LISTEN",
            default: dataDir.map { "unix:\($0)/authtoken-check.sock" } ?? "unix:/run/authtoken/check.sock",
            socketMode: mode)
        guard checkListen.description != listen.description else {
            throw ConfigurationError(key: "AUTHTOKEN_CHECK_LISTEN", problem: "must differ from AUTHTOKEN_LISTEN")
        }
        let database = values.string("AUTHTOKEN_DATABASE") ?? "\(base)/authtoken.sqlite"
        guard !database.isEmpty else { throw ConfigurationError(key: "AUTHTOKEN_DATABASE", problem: "is empty") }
        let logFormat = values.string("AUTHTOKEN_LOG_FORMAT").flatMap { $0.isEmpty ? nil : $0 } ?? "text"
        guard ["text", "json"].contains(logFormat) else {
            throw ConfigurationError(key: "AUTHTOKEN_LOG_FORMAT", problem: "must be text or json")
        }
        let logLevel = values.string("AUTHTOKEN_LOG_LEVEL") ?? "info"
        guard logLevels.contains(logLevel) else {
            throw ConfigurationError(key: "AUTHTOKEN_LOG_LEVEL", problem: "must be one of \(logLevels.joined(separator: ", "))")
        }
        let scopes: ScopeList
        do {
            scopes = try ScopeList(values.string("AUTHTOKEN_SCOPES").map(Self.list) ?? ScopeList.defaults)
        } catch {
            throw ConfigurationError(key: "AUTHTOKEN_SCOPES", problem: "needs one or more Service/apiname entries (\(error))")
        }
        let argon2 = Argon2Parameters(
            memoryKiB: UInt32(try values.int("AUTHTOKEN_ARGON2_MEMORY_KIB", default: 19_456, in: 19_456...4_194_304)),
            iterations: UInt32(try values.int("AUTHTOKEN_ARGON2_ITERATIONS", default: 2, in: 2...64)),
            parallelism: UInt32(try values.int("AUTHTOKEN_ARGON2_PARALLELISM", default: 1, in: 1...16)))
        // Optional: without it the server runs, and two-factor pages say it is unavailable.
        var secretBox: SecretBox?
        let previousKey = values.string("AUTHTOKEN_SECRET_KEY_PREVIOUS").flatMap { $0.isEmpty ? nil : $0 }
        if let keyText = values.string("AUTHTOKEN_SECRET_KEY"), !keyText.isEmpty {
            guard SecretBox(hexKey: keyText) != nil else {
                throw ConfigurationError(key: "AUTHTOKEN_SECRET_KEY", problem: "must be 64 hex characters (32 bytes)")
            }
            guard let box = SecretBox(hexKey: keyText, previousHexKey: previousKey) else {
                throw ConfigurationError(key: "AUTHTOKEN_SECRET_KEY_PREVIOUS", problem: "must be 64 hex characters (32 bytes)")
            }
            secretBox = box
        } else if previousKey != nil {
            throw ConfigurationError(key: "AUTHTOKEN_SECRET_KEY_PREVIOUS", problem: "needs AUTHTOKEN_SECRET_KEY, the new key")
        }
        let threads = try values.int("AUTHTOKEN_THREADS", default: 32, in: 2...4096)
        let hashThreads = try values.int("AUTHTOKEN_HASH_CONCURRENCY", default: defaultHashConcurrency, in: 1...256)
        // By default password work may park all main threads but eight, kept for pages.
        let passwordQueue = PasswordQueue.Limits(
            threads: hashThreads,
            maxWaiting: try values.int("AUTHTOKEN_HASH_QUEUE", default: max(0, threads - hashThreads - 8), in: 0...4096),
            maxWait: Double(try values.int("AUTHTOKEN_HASH_QUEUE_WAIT_MS", default: 2000, in: 10...60_000)) / 1000)
        // Password work must never hold every main thread: pages and refusals need one.
        guard passwordQueue.threads + passwordQueue.maxWaiting < threads else {
            throw ConfigurationError(
                key: "AUTHTOKEN_HASH_QUEUE",
                problem: "AUTHTOKEN_HASH_CONCURRENCY + AUTHTOKEN_HASH_QUEUE (\(passwordQueue.threads + passwordQueue.maxWaiting)) "
                    + "must be below AUTHTOKEN_THREADS (\(threads))")
        }
        let auth = AuthSettings(
            maxTokensPerAccount: try values.int("AUTHTOKEN_MAX_TOKENS", default: 10, in: 1...10_000),
            scopes: scopes, argon2: argon2,
            passwordQueue: passwordQueue,
            maxAppPasswordsPerAccount: try values.int("AUTHTOKEN_MAX_APP_PASSWORDS", default: 20, in: 1...1000),
            sessions: SessionSettings(
                idleTimeout: Double(try values.int("AUTHTOKEN_SESSION_IDLE_MINUTES", default: 30, in: 1...1440)) * 60,
                absoluteTimeout: Double(try values.int("AUTHTOKEN_SESSION_MAX_HOURS", default: 8, in: 1...168)) * 3600,
                unconfirmedLifetime: try values.int("AUTHTOKEN_UNCONFIRMED_DAYS", default: 7, in: 0...3650)
                    .nonZero.map { Double($0) * 86400 }),
            secretBox: secretBox,
            throttle: ThrottleRule(
                maxFailures: try values.int("AUTHTOKEN_THROTTLE_MAX_FAILURES", default: 10, in: 1...10_000_000),
                window: Double(try values.int("AUTHTOKEN_THROTTLE_WINDOW_SECONDS", default: 600, in: 1...604_800)),
                blockFor: Double(try values.int("AUTHTOKEN_THROTTLE_BLOCK_SECONDS", default: 600, in: 1...604_800))),
            activityRetention: try values.int("AUTHTOKEN_ACTIVITY_DAYS", default: 365, in: 0...36500)
                .nonZero.map { Double($0) * 86400 },
            maxTokenLifetimeDays: try values.optionalInt("AUTHTOKEN_MAX_TOKEN_LIFETIME_DAYS", in: 1...36500),
            rotationGrace: Double(try values.int("AUTHTOKEN_ROTATION_GRACE_SECONDS", default: 3600, in: 0...604_800)),
            creationNotices: try values.flag("AUTHTOKEN_CREATION_NOTICES", default: true))
        return AppConfiguration(
            configFile: file, databasePath: database, listen: listen, threads: threads,
            checkListen: checkListen, checkThreads: try values.int("AUTHTOKEN_CHECK_THREADS", default: 32, in: 1...4096),
            maxBodyBytes: try values.int("AUTHTOKEN_MAX_BODY_BYTES", default: 65_536, in: 1024...16_777_216),
            shutdownGraceSeconds: Double(try values.int("AUTHTOKEN_SHUTDOWN_GRACE_SECONDS", default: 5, in: 0...300)),
            logLevel: logLevel, logFormat: logFormat, auth: auth, browser: try BrowserConfiguration(values))
    }

    /// The configuration file in use and the values, environment first, then the file.
    static func sources(_ environment: [String: String]) async throws -> (file: String, values: Values) {
        let dataDir = environment["DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        let explicitFile = environment["AUTHTOKEN_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        let file = explicitFile ?? dataDir.map { "\($0)/authtoken.conf" } ?? "/etc/authtoken/authtoken.conf"
        try checkFileKeys(file, required: explicitFile != nil)
        let reader = ConfigReader(providers: [
            EnvironmentVariablesProvider(environmentVariables: environment),
            try await EnvironmentVariablesProvider(environmentFilePath: FilePath(file), allowMissing: true),
        ])
        return (file, Values(reader: reader))
    }

    /// Every key with the value set for it (environment first, then the file), nil where
    /// the default applies: what `authtoken-admin config` prints. Secret values are
    /// replaced by `(set)`.
    public static func setValues(environment: [String: String] = ProcessInfo.processInfo.environment) async throws
        -> (file: String, values: [(key: String, value: String?)])
    {
        let (file, values) = try await sources(environment)
        return (file, keys.map { key in
            let value = values.string(key).flatMap { $0.isEmpty ? nil : $0 }
            return (key, key.hasPrefix("AUTHTOKEN_SECRET_KEY") ? value.map { _ in "(set)" } : value)
        })
    }

    /// `load` for synchronous programs. The FastCGI server's `main` must stay synchronous:
    /// an async `main` parks the main thread in libdispatch's `sigsuspend`, which unblocks
    /// SIGTERM there and lets it bypass the server's `sigwait`.
    public static func loadBlocking(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> AppConfiguration
    {
        let box = Mutex<Result<AppConfiguration, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let result: Result<AppConfiguration, any Error>
            do { result = .success(try await load(environment: environment)) } catch { result = .failure(error) }
            box.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try box.withLock { $0! }.get()
    }

    /// Half the cores: a burst of logins then leaves the other half to token checks and
    /// pages. With every core hashing, checks measured 3 times slower at p99 (scripts/bench,
    /// before hashing moved to its own lower-priority threads).
    static var defaultHashConcurrency: Int {
        max(1, ProcessInfo.processInfo.activeProcessorCount / 2)
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The file provider skips lines it cannot read and keys it does not know; a typo in a
    /// security setting must not pass silently, so the file's keys are checked here.
    static func checkFileKeys(_ path: String, required: Bool) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            if required { throw ConfigurationError(key: "AUTHTOKEN_CONFIG", problem: "cannot read \(path)") }
            return
        }
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let eq = trimmed.firstIndex(of: "=") else {
                throw ConfigurationError(key: "\(path):\(number + 1)", problem: "is not a KEY=value line")
            }
            let key = trimmed[..<eq].trimmingCharacters(in: .whitespaces)
            guard keys.contains(key) else {
                throw ConfigurationError(key: "\(path):\(number + 1)", problem: "unknown key \(key)")
            }
            let value = trimmed[trimmed.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if key.hasPrefix("AUTHTOKEN_SECRET_KEY"), !value.isEmpty { try checkPrivate(path) }
        }
    }

    /// A file that holds the secret key must be readable by its owner only: anyone who can
    /// read it can open every account's sealed TOTP secret and forge device cookies.
    static func checkPrivate(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { return }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw ConfigurationError(
                key: "AUTHTOKEN_SECRET_KEY",
                problem: "is in \(path), which other users can read (mode \(String(mode, radix: 8))): "
                    + "run chmod 600 \(path)")
        }
    }
}

/// Reads raw strings through swift-configuration and converts them here, so a bad value
/// is an error that names its key rather than a silent fall-back to the default.
struct Values {
    let reader: ConfigReader

    /// `AUTHTOKEN_MAX_TOKENS` is looked up as `authtoken.max.tokens`, which the
    /// environment provider maps back to the same name.
    func string(_ name: String) -> String? {
        let key = name.lowercased().replacingOccurrences(of: "_", with: ".")
        return reader.string(forKey: ConfigKey(key))
    }

    func parse<T>(_ name: String, default fallback: String, _ convert: (String) -> T?) throws -> T {
        let text = string(name) ?? fallback
        guard let value = convert(text) else {
            throw ConfigurationError(key: name, problem: "'\(text)' is not a valid value")
        }
        return value
    }

    /// `on` or `off` (also `true`/`false`, `yes`/`no`, `1`/`0`).
    func flag(_ name: String, default fallback: Bool) throws -> Bool {
        try parse(name, default: fallback ? "on" : "off") {
            switch $0.lowercased() {
            case "on", "true", "yes", "1": true
            case "off", "false", "no", "0": false
            default: nil
            }
        }
    }

    func address(_ name: String, default fallback: String, socketMode: mode_t) throws -> ListenAddress {
        let text = string(name) ?? fallback
        guard let address = ListenAddress(text, socketMode: socketMode) else {
            throw ConfigurationError(key: name, problem: "'\(text)' is not unix:/path, host:port or stdin")
        }
        return address
    }

    /// Absent or empty: nil (the setting is off).
    func optionalInt(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = string(name), !text.isEmpty else { return nil }
        return try int(name, default: 0, in: range)
    }

    func int(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        let value = try parse(name, default: String(fallback)) { Int($0) }
        guard range.contains(value) else {
            throw ConfigurationError(key: name, problem: "\(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }
}

extension Int {
    /// nil for 0: the settings where 0 means "never".
    var nonZero: Int? { self == 0 ? nil : self }
}
