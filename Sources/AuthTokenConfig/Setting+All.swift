extension Setting {
    /// Every key, in the order of the docs' table and the written file. A key that is not
    /// here is refused in the file, so a mistyped security setting cannot pass silently.
    public static let all: [Setting] = [
        database, primaryWait, listen, socketMode, threads, checkListen, checkThreads, checkMaxConnections, checkIdle,
        maxBodyBytes, shutdownGrace,
        maxTokens, scopes, argon2Memory, argon2Iterations, argon2Parallelism, hashConcurrency, hashQueue,
        hashQueueWait, maxAppPasswords, maxPasskeys, logLevel, logFormat, wwwDir, registration, sendmail, secureCookies,
        publicURL, sessionIdle, sessionMax, unconfirmedDays, activityDays, secretKey, secretKeyPrevious,
        throttleMaxFailures, throttleWindow, throttleBlock, maxTokenLifetime, rotationGrace, creationNotices,
        directoryMode, directoryURL, directoryCAFile, directoryVerify, directoryBindDN, directoryBindPasswordFile,
        directoryUserBase, directoryUserFilter, directoryMailAttribute, directoryNameAttribute, directoryAdminGroup,
        directoryRequiredGroup, directoryDisabledFilter, directoryConnectTimeout, directoryTimeout, directorySyncMinutes,
        directoryMaxDeactivatePercent,
    ]

    public static func named(_ name: String) -> Setting? { all.first { $0.name == name } }

    // MARK: Storage and listeners

    static let database = Setting(
        "AUTHTOKEN_DATABASE", .text,
        derived: "`$DATA_DIR/authtoken.sqlite`, else `/var/lib/authtoken/authtoken.sqlite`",
        "A SQLite file (WAL mode; created and migrated at start), or a `postgresql://` URL "
            + "without a password (that goes in `PGPASSWORD` or a `PGPASSFILE`). Several servers, "
            + "comma-separated, with `target_session_attrs=read-write`, follow the primary of a highly "
            + "available cluster (docs/ha.md).")
    static let primaryWait = Setting(
        "AUTHTOKEN_PRIMARY_WAIT_SECONDS", .number(0...300),
        derived: "`30` with several servers in `AUTHTOKEN_DATABASE`, else `0`",
        "PostgreSQL: how long a call waits for a server that accepts writes while none does (a "
            + "failover); it is late, not failed. Longer than the cluster's failover (Patroni's `ttl`); "
            + "each waiting call holds a thread (docs/ha.md).")
    static let listen = Setting(
        "AUTHTOKEN_LISTEN", .text,
        derived: "`unix:$DATA_DIR/authtoken.sock`, else `unix:/run/authtoken/fcgi.sock`",
        "The main listener (pages, API mode): `unix:/path`, `host:port`, `stdin` (a socket inherited "
            + "on fd 0, as spawn-fcgi hands it) or `fd:N` (systemd socket units).")
    static let socketMode = Setting(
        "AUTHTOKEN_SOCKET_MODE", .text, default: "660",
        "Octal permissions of the Unix sockets; nginx's group needs to write them.")
    static let threads = Setting(
        "AUTHTOKEN_THREADS", .number(2...4096), default: "32",
        "Worker threads of the main listener; nginx keeps no connections to it open.")
    static let checkListen = Setting(
        "AUTHTOKEN_CHECK_LISTEN", .text,
        derived: "`http+unix:$DATA_DIR/authtoken-check.sock`, else `http+unix:/run/authtoken/check.sock`",
        "The token check's own listener: it serves only `/_authtoken/check`, health and metrics, "
            + "so password work never reaches its threads. HTTP/1.1 with kept connections (`http+unix:/path`, "
            + "`http://host:port`; nginx `proxy_pass`) or FastCGI (`unix:/path`, `host:port`, `fd:N`, `stdin`; "
            + "nginx `fastcgi_pass`). Must differ from `AUTHTOKEN_LISTEN`.")
    static let checkThreads = Setting(
        "AUTHTOKEN_CHECK_THREADS", .number(1...4096), default: "32",
        "Worker threads of the check listener. FastCGI: at least nginx's kept check connections "
            + "(workers × 8) + 8, which `scripts/run` checks at start; HTTP: idle kept connections hold none.")
    static let checkMaxConnections = Setting(
        "AUTHTOKEN_CHECK_MAX_CONNECTIONS", .number(1...65_536), default: "1024",
        "HTTP check listener: open connections at most; more are answered 503 and closed.")
    static let checkIdle = Setting(
        "AUTHTOKEN_CHECK_IDLE_SECONDS", .number(1...3600), default: "60",
        "HTTP check listener: a kept connection idle this long is closed (nginx's upstream "
            + "`keepalive_timeout` must be shorter; the shipped files set 30 s).")
    static let maxBodyBytes = Setting(
        "AUTHTOKEN_MAX_BODY_BYTES", .number(1024...16_777_216), default: "65536",
        "Larger request bodies get 413 (nginx stops bodies over 64 KiB first).")
    static let shutdownGrace = Setting(
        "AUTHTOKEN_SHUTDOWN_GRACE_SECONDS", .number(0...300), default: "5",
        "How long requests in flight may run after SIGTERM.")

    // MARK: Tokens and passwords

    static let maxTokens = Setting(
        "AUTHTOKEN_MAX_TOKENS", .number(1...10_000), default: "10", "Most tokens one account may hold.")
    static let scopes = Setting(
        "AUTHTOKEN_SCOPES", .text,
        default: "ZohoRecruit/recruitapi,ZohoCRM/crmapi,ZohoInventory/inventoryapi,ZohoInvoice/invoiceapi,"
            + "ZohoProjects/projectsapi,ZohoPC/docsapi",
        "Scopes tokens may be issued for, `Service/apiname`, comma-separated.")
    static let argon2Memory = Setting(
        "AUTHTOKEN_ARGON2_MEMORY_KIB", .number(19_456...4_194_304), default: "19456",
        "Argon2id memory; values below OWASP's 19 MiB are refused.")
    static let argon2Iterations = Setting(
        "AUTHTOKEN_ARGON2_ITERATIONS", .number(2...64), default: "2", "Argon2id passes.")
    static let argon2Parallelism = Setting(
        "AUTHTOKEN_ARGON2_PARALLELISM", .number(1...16), default: "1", "Argon2id lanes.")
    static let hashConcurrency = Setting(
        "AUTHTOKEN_HASH_CONCURRENCY", .number(1...256), derived: "half the cores, at least 1",
        "Password-hashing threads (hashes computed at once), at a lower priority than requests.")
    static let hashQueue = Setting(
        "AUTHTOKEN_HASH_QUEUE", .number(0...4096),
        derived: "`AUTHTOKEN_THREADS` − `AUTHTOKEN_HASH_CONCURRENCY` − 8",
        "Requests that may wait for a hash; more are refused at once. With "
            + "`AUTHTOKEN_HASH_CONCURRENCY` it must stay below `AUTHTOKEN_THREADS`, so pages always have threads.")
    static let hashQueueWait = Setting(
        "AUTHTOKEN_HASH_QUEUE_WAIT_MS", .number(10...60_000), default: "2000",
        "A request whose hash has not started within this time is refused.")
    static let maxAppPasswords = Setting(
        "AUTHTOKEN_MAX_APP_PASSWORDS", .number(1...1000), default: "20",
        "Most application passwords one account may hold.")
    static let maxPasskeys = Setting(
        "AUTHTOKEN_MAX_PASSKEYS", .number(1...100), default: "10",
        "Most security keys and passkeys one account may hold. Keys work only with `AUTHTOKEN_PUBLIC_URL` "
            + "(its host is their RP ID, its origin the only one accepted) and `AUTHTOKEN_SECRET_KEY`.")

    // MARK: Logs

    static let logLevel = Setting(
        "AUTHTOKEN_LOG_LEVEL", .choice(AppConfiguration.logLevels), default: "info",
        "The least important messages written.")
    static let logFormat = Setting(
        "AUTHTOKEN_LOG_FORMAT", .choice(["text", "json"]), default: "text",
        "`json`: one JSON object a line, with the request id nginx logged (docs/operations.md).")

    // MARK: Browser pages

    static let wwwDir = Setting(
        "AUTHTOKEN_WWW_DIR", .text, default: "/usr/share/authtoken/www",
        "Folder with `templates/` (read by the server at start) and `static/` (served by nginx).")
    static let registration = Setting(
        "AUTHTOKEN_REGISTRATION", .flag, default: "off",
        "`on`: people may create their own accounts at `/register`, confirmed by a link.")
    static let sendmail = Setting(
        "AUTHTOKEN_SENDMAIL", .text, default: "",
        "Command that sends e-mail, run with `/bin/sh -c`, the message on stdin (e.g. "
            + "`/usr/sbin/sendmail -t -i`); empty: messages and their links go to the server log.")
    static let secureCookies = Setting(
        "AUTHTOKEN_SECURE_COOKIES", .flag, default: "off",
        "`on` when browsers reach the server over HTTPS only: cookies get `Secure` and the `__Host-` prefix.")
    static let publicURL = Setting(
        "AUTHTOKEN_PUBLIC_URL", .text, default: "",
        "E.g. `https://tokens.example.com`: the base of every link in e-mail (confirmation, reset) and of "
            + "Developer Space; never taken from a request. Empty: no mail with a link is sent, and the start-up log says so.")
    static let sessionIdle = Setting(
        "AUTHTOKEN_SESSION_IDLE_MINUTES", .number(1...1440), default: "30",
        "A browser session unused this long ends.")
    static let sessionMax = Setting(
        "AUTHTOKEN_SESSION_MAX_HOURS", .number(1...168), default: "8",
        "A browser session ends this long after sign-in, however busy.")

    // MARK: Retention

    static let unconfirmedDays = Setting(
        "AUTHTOKEN_UNCONFIRMED_DAYS", .number(0...3650), default: "7",
        "Unconfirmed accounts older than this are removed; `0` keeps them.")
    static let activityDays = Setting(
        "AUTHTOKEN_ACTIVITY_DAYS", .number(0...36500), default: "365",
        "Activity entries, and daily-use counts (docs/usage.md), older than this are removed; `0` keeps them.")

    // MARK: Secrets and throttling

    static let secretKey = Setting(
        "AUTHTOKEN_SECRET_KEY", .secret, default: "",
        "64 hex characters (32 bytes; `openssl rand -hex 32`): seals two-factor secrets, keys "
            + "application-password look-ups and signs device cookies. Empty: two-factor sign-in is "
            + "unavailable. The file that holds it must be readable by its owner only, or the server refuses to start.")
    static let secretKeyPrevious = Setting(
        "AUTHTOKEN_SECRET_KEY_PREVIOUS", .secret, default: "",
        "During a key rotation, the key before `AUTHTOKEN_SECRET_KEY` (see Key rotation).")
    static let throttleMaxFailures = Setting(
        "AUTHTOKEN_THROTTLE_MAX_FAILURES", .number(1...10_000_000), default: "10",
        "Failed passwords or codes, per account and per client address, that start a block.")
    static let throttleWindow = Setting(
        "AUTHTOKEN_THROTTLE_WINDOW_SECONDS", .number(1...604_800), default: "600",
        "The failures must fall within this many seconds of the first one.")
    static let throttleBlock = Setting(
        "AUTHTOKEN_THROTTLE_BLOCK_SECONDS", .number(1...604_800), default: "600", "How long a block lasts.")

    // MARK: Token lifecycle

    static let maxTokenLifetime = Setting(
        "AUTHTOKEN_MAX_TOKEN_LIFETIME_DAYS", .number(1...36500), default: "",
        "Longest lifetime in days of a new, renewed, regenerated or rotated token; empty: permanent "
            + "tokens allowed (the legacy behaviour). Stored tokens are never shortened.")
    static let rotationGrace = Setting(
        "AUTHTOKEN_ROTATION_GRACE_SECONDS", .number(0...604_800), default: "3600",
        "Seconds a value replaced by `/apiauthtoken/rotate` keeps working; presented after that, "
            + "it revokes the token (reuse detection).")
    static let creationNotices = Setting(
        "AUTHTOKEN_CREATION_NOTICES", .flag, default: "on",
        "`on`: owners get an e-mail when a token or an application password is created for them.")

    // MARK: Directory sign-in (docs/directory.md)

    static let directoryMode = Setting(
        "AUTHTOKEN_DIRECTORY_MODE", .choice(["local", "directory+local", "directory"]), default: "local",
        "`local`: local accounts only. `directory+local`: directory people sign in with their directory password, "
            + "local accounts with theirs. `directory`: only directory accounts sign in with a password.")
    static let directoryURL = Setting(
        "AUTHTOKEN_DIRECTORY_URL", .text, default: "",
        "`ldaps://host:636`, or `ldap://host:389`, which always uses StartTLS: never clear text.")
    static let directoryCAFile = Setting(
        "AUTHTOKEN_DIRECTORY_CA_FILE", .text, default: "",
        "PEM file of the CA that signed the directory's certificate; empty: the system's CAs.")
    static let directoryVerify = Setting(
        "AUTHTOKEN_DIRECTORY_VERIFY", .flag, default: "on",
        "`off` accepts any certificate (a test directory only): anyone on the path then reads the passwords.")
    static let directoryBindDN = Setting(
        "AUTHTOKEN_DIRECTORY_BIND_DN", .text, default: "",
        "The read-only account the searches bind as, e.g. `cn=authtoken,ou=services,dc=example,dc=org`.")
    static let directoryBindPasswordFile = Setting(
        "AUTHTOKEN_DIRECTORY_BIND_PASSWORD_FILE", .text, default: "",
        "File holding that account's password (one line); refused unless only its owner can read it (mode 0600).")
    static let directoryUserBase = Setting(
        "AUTHTOKEN_DIRECTORY_USER_BASE", .text, default: "",
        "Where people are searched (subtree), e.g. `ou=people,dc=example,dc=org`.")
    static let directoryUserFilter = Setting(
        "AUTHTOKEN_DIRECTORY_USER_FILTER", .text, default: "(mail={email})",
        "Finds one person by the address typed; `{email}` is replaced by it, escaped per RFC 4515.")
    static let directoryMailAttribute = Setting(
        "AUTHTOKEN_DIRECTORY_MAIL_ATTRIBUTE", .text, default: "mail",
        "The entry's e-mail address: it must be the address typed, and names the account.")
    static let directoryNameAttribute = Setting(
        "AUTHTOKEN_DIRECTORY_NAME_ATTRIBUTE", .text, default: "cn", "The entry's display name.")
    static let directoryAdminGroup = Setting(
        "AUTHTOKEN_DIRECTORY_ADMIN_GROUP", .text, default: "",
        "DN of a group whose members (`member`) are administrators here; empty: the directory makes none.")
    static let directoryRequiredGroup = Setting(
        "AUTHTOKEN_DIRECTORY_REQUIRED_GROUP", .text, default: "",
        "DN of a group people must be members of to sign in; empty: everyone the filter finds.")
    static let directoryDisabledFilter = Setting(
        "AUTHTOKEN_DIRECTORY_DISABLED_FILTER", .text, default: "",
        "An entry this filter matches is disabled, e.g. `(pwdAccountLockedTime=*)` (OpenLDAP) or "
            + "`(userAccountControl:1.2.840.113556.1.4.803:=2)` (Active Directory).")
    static let directoryConnectTimeout = Setting(
        "AUTHTOKEN_DIRECTORY_CONNECT_TIMEOUT_SECONDS", .number(1...60), default: "3",
        "A directory that does not accept the connection within this time is unavailable (a busy answer).")
    static let directoryTimeout = Setting(
        "AUTHTOKEN_DIRECTORY_TIMEOUT_SECONDS", .number(1...120), default: "5",
        "The longest wait for one directory operation (search, bind, StartTLS).")
    static let directorySyncMinutes = Setting(
        "AUTHTOKEN_DIRECTORY_SYNC_MINUTES", .number(1...10_080), default: "15",
        "Minutes between two syncs, which deactivate the accounts of people gone, disabled or out of the required group.")
    static let directoryMaxDeactivatePercent = Setting(
        "AUTHTOKEN_DIRECTORY_MAX_DEACTIVATE_PERCENT", .number(0...100), default: "10",
        "A sync that would deactivate more than this share of the directory accounts deactivates none and says so.")
}
