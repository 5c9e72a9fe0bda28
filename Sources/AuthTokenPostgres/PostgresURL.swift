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
/// The password is best left out of the URL: libpq then takes it from `PGPASSWORD` or
/// from the password file (`PGPASSFILE`, default `~/.pgpass`) by itself. Whatever its
/// source, `description` and `redacted` never show it, so a URL can go into a log line.
public struct PostgresURL: Sendable, Equatable {
    public var user: String
    public var password: String?
    /// A host name, an IPv4 or (unbracketed) IPv6 address, or a socket directory.
    public var host: String
    public var port: Int?
    public var database: String
    /// The query's key/value pairs, in their order.
    public var options: [Option]

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
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
        self.options = options
    }

    /// The libpq keyword/value pairs, for `PQconnectdbParams`.
    public var keywords: [(keyword: String, value: String)] {
        var pairs: [(keyword: String, value: String)] = [("user", user)]
        if let password { pairs.append(("password", password)) }
        pairs.append(("host", host))
        if let port { pairs.append(("port", String(port))) }
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
