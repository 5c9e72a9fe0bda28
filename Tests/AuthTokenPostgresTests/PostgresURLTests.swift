import AuthTokenPostgres
import Testing

@Suite struct PostgresURLTests {
    @Test func parsesTheFullForm() throws {
        let url = try PostgresURL("postgresql://app:pa%40ss%2Fw@db.example.com:6543/auth%20db?sslmode=require&application_name=x%26y")
        #expect(url.user == "app")
        #expect(url.password == "pa@ss/w")
        #expect(url.host == "db.example.com")
        #expect(url.port == 6543)
        #expect(url.database == "auth db")
        #expect(url.options == [.init(key: "sslmode", value: "require"), .init(key: "application_name", value: "x&y")])
        let keywords = url.keywords.map { "\($0.keyword)=\($0.value)" }
        #expect(keywords == [
            "user=app", "password=pa@ss/w", "host=db.example.com", "port=6543", "dbname=auth db",
            "sslmode=require", "application_name=x&y",
        ])
    }

    @Test func acceptsShortSchemeIPv6AndSocketDirectory() throws {
        let short = try PostgresURL("postgres://authtoken@127.0.0.1/authtoken")
        #expect(short.port == nil && short.password == nil && short.host == "127.0.0.1")
        let v6 = try PostgresURL("postgresql://u@[::1]:5432/d")
        #expect(v6.host == "::1" && v6.port == 5432)
        #expect(v6.redacted == "postgresql://u@[::1]:5432/d")
        let socket = try PostgresURL("postgresql://u@%2Fvar%2Frun%2Fpostgresql/d")
        #expect(socket.host == "/var/run/postgresql")
        #expect(socket.redacted == "postgresql://u@%2Fvar%2Frun%2Fpostgresql/d")
        #expect(try PostgresURL(socket.redacted) == socket)
    }

    @Test func parsesAMultiHostURL() throws {
        let text = "postgresql://app@db1:5432,[::1]:6432,db3/auth?target_session_attrs=read-write"
        let url = try PostgresURL(text)
        #expect(url.servers == [.init(host: "db1", port: 5432), .init(host: "::1", port: 6432), .init(host: "db3")])
        #expect(url.followsPrimary)
        #expect(url.host == "db1" && url.port == 5432)
        let keywords = url.keywords.map { "\($0.keyword)=\($0.value)" }
        #expect(keywords == ["user=app", "host=db1,::1,db3", "port=5432,6432,", "dbname=auth", "target_session_attrs=read-write"])
        #expect(url.redacted == text)
        #expect(try PostgresURL("postgresql://a@h1,h2/d?target_session_attrs=primary").servers.count == 2)
        #expect(try !PostgresURL("postgresql://a@h1/d").followsPrimary)
    }

    @Test(arguments: [
        ("postgresql://u@h1:1,h2:2/d", "target_session_attrs=read-write"),
        ("postgresql://u@h1:1,h2:2/d?target_session_attrs=any", "target_session_attrs=read-write"),
        ("postgresql://u@h1:1,h2:2/d?target_session_attrs=prefer-standby", "target_session_attrs=read-write"),
        ("postgresql://u@h1:1,,h2:2/d?target_session_attrs=read-write", "host is missing"),
        ("postgresql://u@h1:1,h1:1/d?target_session_attrs=read-write", "names h1 twice"),
        ("postgresql://u@%2Fa%2Cb/d", "comma"),
    ])
    func rejectsAmbiguousServerLists(url: String, problem: String) {
        #expect {
            try PostgresURL(url)
        } throws: { error in
            String(describing: error).contains(problem)
        }
    }

    @Test(arguments: [
        ("mysql://u@h/d", "postgresql://"),
        ("postgresql://h/d", "user name (user@) is missing"),
        ("postgresql://u:p@ss@h/d", "%40"),
        ("postgresql://:p@h/d", "user name is empty"),
        ("postgresql://u@/d", "host is missing"),
        ("postgresql://u@h:/d", "port after : is empty"),
        ("postgresql://u@h:0/d", "1 to 65535"),
        ("postgresql://u@h:70000/d", "1 to 65535"),
        ("postgresql://u@h:54x/d", "1 to 65535"),
        ("postgresql://u@h", "database name (/dbname) is missing"),
        ("postgresql://u@h/", "database name is empty"),
        ("postgresql://u@h/d/e", "%2F"),
        ("postgresql://u@::1/d", "brackets"),
        ("postgresql://u@[::1/d", "closing ]"),
        ("postgresql://u@h/d#x", "fragment"),
        ("postgresql://u@h/d?", "nothing follows"),
        ("postgresql://u@h/d?sslmode", "not key=value"),
        ("postgresql://u@h/d?bogus=1", "'bogus' is not a libpq connection keyword"),
        ("postgresql://u@h/d?password=x", "'password', which the URL itself sets"),
        ("postgresql://u@h/d?sslmode=a&sslmode=b", "twice"),
        ("postgresql://u%zz@h/d", "user name has a malformed percent escape"),
        ("postgresql://u@h/d%00", "NUL"),
        ("postgresql://u@h/d%ff", "not UTF-8"),
        ("postgresql://u@h!/d", "host may hold only"),
        ("postgresql://u@h/d b", "white space"),
    ])
    func rejectsMalformedURLsNamingTheProblem(url: String, problem: String) {
        #expect {
            try PostgresURL(url)
        } throws: { error in
            String(describing: error).contains(problem)
        }
    }

    @Test func redactedFormsNeverShowThePassword() throws {
        let secret = "Sup3r&Secret:/@"
        let encoded = "Sup3r%26Secret%3A%2F%40"
        let url = try PostgresURL("postgresql://app:\(encoded)@h:1/d?sslpassword=\(encoded)&sslmode=disable")
        #expect(url.password == secret)
        var dumped = ""
        dump(url, to: &dumped)
        for text in [url.redacted, url.description, url.debugDescription, "\(url)", String(reflecting: url), dumped] {
            #expect(!text.contains("Sup3r"), "\(text)")
            #expect(!text.contains(encoded))
        }
        #expect(url.redacted == "postgresql://app@h:1/d?sslpassword=***&sslmode=disable")
    }

    @Test func errorsNeverQuoteThePassword() {
        for bad in ["postgresql://u:Sup3rSecret@h:99999/d", "postgresql://u:Sup3r%zzSecret@h/d",
                    "postgresql://u:Sup3rSecret@h/d?x=1", "postgres://u:Sup3rSecret@h/d/e"] {
            do {
                _ = try PostgresURL(bad)
                Issue.record("\(bad) was accepted")
            } catch {
                #expect(!String(describing: error).contains("Sup3r"))
            }
        }
    }
}
