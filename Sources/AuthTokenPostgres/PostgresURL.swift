import CLibPQ

/// Where and how to connect: a `postgresql://` (or `postgres://`) URL, parsed strictly.
///
///     postgresql://user[:password]@host[:port]/dbname[?key=value&...]
///
/// Parts are percent-decoded; a host that decodes to a path starting with `/` is a unix
/// socket directory (`postgresql://app@%2Fvar%2Frun%2Fpostgresql/app`), an IPv6 address
/// goes in brackets. Query keys must be libpq connection keywords (`sslmode`,
/// `connect_timeout`, `application_name`, ...) other than the five the URL itself sets.
///
/// Several servers, comma-separated, make a multi-host URL for a highly available cluster
/// (docs/ha.md): `postgresql://app@db1:5432,db2:5432/app?target_session_attrs=read-write`.
/// libpq tries them in turn and keeps the first that accepts writes, so the instances
/// follow the primary after a failover. Such a URL must say `target_session_attrs=read-write`
/// (or `primary`): without it a connection could land on a standby, where every write fails.
///
/// The password is best left out of the URL: libpq then takes it from `PGPASSWORD` or
/// from the password file (`PGPASSFILE`, default `~/.pgpass`) by itself. Whatever its
/// source, `description` and `redacted` never show it, so a URL can go into a log line.
public struct PostgresURL: Sendable, Equatable {
    public var user: String
    public var password: String?
    /// The servers, in the order libpq tries them; one unless the URL lists several.
    public var servers: [Server]
    public var database: String
    /// The query's key/value pairs, in their order.
    public var options: [Option]

    /// One server of the URL.
    public struct Server: Sendable, Equatable {
        /// A host name, an IPv4 or (unbracketed) IPv6 address, or a socket directory.
        public var host: String
        public var port: Int?

        public init(host: String, port: Int? = nil) {
            self.host = host
            self.port = port
        }
    }

    /// The first server's host (the only one's, in a single-host URL).
    public var host: String {
        get { servers[0].host }
        set { servers[0].host = newValue }
    }

    /// The first server's port.
    public var port: Int? {
        get { servers[0].port }
        set { servers[0].port = newValue }
    }

    /// Several servers, of which libpq keeps the one that accepts writes (the primary).
    public var followsPrimary: Bool { servers.count > 1 }

    public struct Option: Sendable, Equatable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// Parses `string`; the error names what is wrong (and never quotes the password).
    public init(_ string: String) throws(PostgresURLError) {
        self = try Self.parse(string)
    }

    public init(
        user: String, password: String? = nil, host: String, port: Int? = nil,
        database: String, options: [Option] = []
    ) {
        self.init(user: user, password: password, servers: [Server(host: host, port: port)], database: database, options: options)
    }

    public init(user: String, password: String? = nil, servers: [Server], database: String, options: [Option] = []) {
        precondition(!servers.isEmpty, "a URL names at least one server")
        self.user = user
        self.password = password
        self.servers = servers
        self.database = database
        self.options = options
    }

    /// The libpq keyword/value pairs, for `PQconnectdbParams`.
    public var keywords: [(keyword: String, value: String)] {
        var pairs: [(keyword: String, value: String)] = [("user", user)]
        if let password { pairs.append(("password", password)) }
        // libpq's lists: hosts and ports comma-separated, an empty port the default.
        pairs.append(("host", servers.map(\.host).joined(separator: ",")))
        if servers.contains(where: { $0.port != nil }) {
            pairs.append(("port", servers.map { $0.port.map(String.init) ?? "" }.joined(separator: ",")))
        }
        pairs.append(("dbname", database))
        for option in options { pairs.append((option.key, option.value)) }
        return pairs
    }
}

/// What is wrong with a connection URL. The text never includes the password.
public struct PostgresURLError: Error, Equatable, Sendable, CustomStringConvertible {
    public var problem: String

    public init(_ problem: String) { self.problem = problem }

    public var description: String { "invalid PostgreSQL URL: \(problem)" }
}

extension PostgresURL {
    /// The connection keywords this libpq knows, from `PQconndefaults`.
    static let libpqKeywords: Set<String> = {
        var names = Set<String>()
        guard let defaults = PQconndefaults() else { return names }
        defer { PQconninfoFree(defaults) }
        var option = defaults
        while let keyword = option.pointee.keyword {
            names.insert(String(cString: keyword))
            option += 1
        }
        return names
    }()

    /// Keywords that the URL's own parts set; a query may not set them again.
    static let urlKeywords: Set<String> = ["user", "password", "host", "port", "dbname"]
}
