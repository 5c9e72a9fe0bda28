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
        let mode = try values.parse(.socketMode) { mode_t($0, radix: 8) }
        let listen = try values.address(
            .listen, default: dataDir.map { "unix:\($0)/authtoken.sock" } ?? "unix:/run/authtoken/fcgi.sock",
            socketMode: mode)
        let checkText = values.string(.checkListen)
            ?? dataDir.map { "http+unix:\($0)/authtoken-check.sock" } ?? "http+unix:/run/authtoken/check.sock"
        guard let checkListen = CheckListenAddress(checkText, socketMode: mode) else {
            throw ConfigurationError(
                key: "AUTHTOKEN_CHECK_LISTEN",
                problem: "'\(checkText)' is not http+unix:/path, http://host:port (HTTP) or unix:/path, host:port, fd:N, stdin (FastCGI)")
        }
        let listenPath: String? = if case .unix(let path, _) = listen { path } else { nil }
        guard checkListen.description != listen.description, listenPath == nil || checkListen.socketPath != listenPath else {
            throw ConfigurationError(key: "AUTHTOKEN_CHECK_LISTEN", problem: "must differ from AUTHTOKEN_LISTEN")
        }
        let database = values.string(.database) ?? "\(base)/authtoken.sqlite"
        let logFormat = try values.choice(.logFormat)
        let logLevel = try values.choice(.logLevel)
        let scopes: ScopeList
        do {
            scopes = try ScopeList(values.string(.scopes).map(Self.list) ?? ScopeList.defaults)
        } catch {
            throw ConfigurationError(key: "AUTHTOKEN_SCOPES", problem: "needs one or more Service/apiname entries (\(error))")
        }
        let argon2 = Argon2Parameters(
            memoryKiB: UInt32(try values.int(.argon2Memory)),
            iterations: UInt32(try values.int(.argon2Iterations)),
            parallelism: UInt32(try values.int(.argon2Parallelism)))
        // Optional: without it the server runs, and two-factor pages say it is unavailable.
        var secretBox: SecretBox?
        let previousKey = values.string(.secretKeyPrevious)
        if let keyText = values.string(.secretKey) {
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
        let threads = try values.int(.threads)
        let hashThreads = try values.int(.hashConcurrency, default: defaultHashConcurrency)
        // By default password work may park all main threads but eight, kept for pages.
        let passwordQueue = PasswordQueue.Limits(
            threads: hashThreads,
            maxWaiting: try values.int(.hashQueue, default: max(0, threads - hashThreads - 8)),
            maxWait: Double(try values.int(.hashQueueWait)) / 1000)
        // Password work must never hold every main thread: pages and refusals need one.
        guard passwordQueue.threads + passwordQueue.maxWaiting < threads else {
            throw ConfigurationError(
                key: "AUTHTOKEN_HASH_QUEUE",
                problem: "AUTHTOKEN_HASH_CONCURRENCY + AUTHTOKEN_HASH_QUEUE (\(passwordQueue.threads + passwordQueue.maxWaiting)) "
                    + "must be below AUTHTOKEN_THREADS (\(threads))")
        }
        let auth = AuthSettings(
            maxTokensPerAccount: try values.int(.maxTokens),
            scopes: scopes, argon2: argon2,
            passwordQueue: passwordQueue,
            maxAppPasswordsPerAccount: try values.int(.maxAppPasswords),
            sessions: SessionSettings(
                idleTimeout: Double(try values.int(.sessionIdle)) * 60,
                absoluteTimeout: Double(try values.int(.sessionMax)) * 3600,
                unconfirmedLifetime: try values.int(.unconfirmedDays).nonZero.map { Double($0) * 86400 }),
            secretBox: secretBox,
            throttle: ThrottleRule(
                maxFailures: try values.int(.throttleMaxFailures),
                window: Double(try values.int(.throttleWindow)),
                blockFor: Double(try values.int(.throttleBlock))),
            activityRetention: try values.int(.activityDays).nonZero.map { Double($0) * 86400 },
            maxTokenLifetimeDays: try values.optionalInt(.maxTokenLifetime),
            rotationGrace: Double(try values.int(.rotationGrace)),
            creationNotices: try values.flag(.creationNotices),
            passkeys: try values.string(.publicURL).flatMap {
                PasskeySettings(publicURL: $0, maxPerAccount: try values.int(.maxPasskeys))
            },
            directory: try directory(values))
        return AppConfiguration(
            configFile: file, databasePath: database, primaryWaitSeconds: try values.optionalInt(.primaryWait),
            listen: listen, threads: threads,
            checkListen: checkListen, checkThreads: try values.int(.checkThreads),
            checkMaxConnections: try values.int(.checkMaxConnections),
            checkIdleSeconds: Double(try values.int(.checkIdle)),
            maxBodyBytes: try values.int(.maxBodyBytes),
            shutdownGraceSeconds: Double(try values.int(.shutdownGrace)),
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
        return (file, Setting.all.map { setting in
            let value = values.string(setting)
            return (setting.name, setting.isSecret ? value.map { _ in "(set)" } : value)
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
            guard let setting = Setting.named(key) else {
                throw ConfigurationError(key: "\(path):\(number + 1)", problem: "unknown key \(key)")
            }
            let value = trimmed[trimmed.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if setting.isSecret, !value.isEmpty { try checkPrivate(path) }
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
/// is an error that names its key rather than a silent fall-back to the default. Every
/// read goes through the key's `Setting`, whose default and range are the documented ones.
struct Values {
    let reader: ConfigReader

    /// The value set for a key, nil when it is unset or empty. `AUTHTOKEN_MAX_TOKENS` is
    /// looked up as `authtoken.max.tokens`, which the environment provider maps back to
    /// the same name.
    func string(_ setting: Setting) -> String? {
        let key = setting.name.lowercased().replacingOccurrences(of: "_", with: ".")
        return reader.string(forKey: ConfigKey(key)).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The value set, else the setting's default.
    func text(_ setting: Setting) -> String {
        string(setting) ?? setting.defaultValue ?? ""
    }

    func parse<T>(_ setting: Setting, _ convert: (String) -> T?) throws -> T {
        let text = text(setting)
        guard let value = convert(text) else {
            throw ConfigurationError(key: setting.name, problem: "'\(text)' is not a valid value")
        }
        return value
    }

    /// `on` or `off` (also `true`/`false`, `yes`/`no`, `1`/`0`).
    func flag(_ setting: Setting) throws -> Bool {
        try parse(setting) {
            switch $0.lowercased() {
            case "on", "true", "yes", "1": true
            case "off", "false", "no", "0": false
            default: nil
            }
        }
    }

    func choice(_ setting: Setting) throws -> String {
        let value = text(setting)
        guard case .choice(let choices) = setting.kind else { return value }
        guard choices.contains(value) else {
            throw ConfigurationError(key: setting.name, problem: "must be one of \(choices.joined(separator: ", "))")
        }
        return value
    }

    func address(_ setting: Setting, default fallback: String, socketMode: mode_t) throws -> ListenAddress {
        let text = string(setting) ?? fallback
        guard let address = ListenAddress(text, socketMode: socketMode) else {
            throw ConfigurationError(key: setting.name, problem: "'\(text)' is not unix:/path, host:port, fd:N or stdin")
        }
        return address
    }

    /// Unset or empty: nil (the setting is off); else a number within its range.
    func optionalInt(_ setting: Setting) throws -> Int? {
        guard string(setting) != nil else { return nil }
        return try int(setting)
    }

    /// A number within the setting's range; `fallback` for a default worked out at start.
    func int(_ setting: Setting, default fallback: Int? = nil) throws -> Int {
        let text = string(setting) ?? fallback.map(String.init) ?? setting.defaultValue ?? ""
        guard let value = Int(text) else {
            throw ConfigurationError(key: setting.name, problem: "'\(text)' is not a valid value")
        }
        if let range = setting.range, !range.contains(value) {
            throw ConfigurationError(key: setting.name, problem: "\(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }
}

extension Int {
    /// nil for 0: the settings where 0 means "never".
    var nonZero: Int? { self == 0 ? nil : self }
}
