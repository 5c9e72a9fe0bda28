import AuthTokenPostgres
import Testing

extension PostgresServerTests {
    @Test func connectsWithThePasswordFromPGPASSFILE() throws {
        let url = try TestDatabase.url()
        #expect(url.password == nil, "the test URL carries no password; libpq reads PGPASSFILE")
        let connection = try PostgresConnection(url: url)
        #expect(connection.serverVersion >= 150000)
        #expect(connection.backendPID > 0)
        let row = try #require(try connection.execute("SELECT current_user, current_database()").first)
        #expect(try row.string(0) == url.user)
        #expect(try row.string("current_database") == url.database)
    }

    @Test func aWrongPasswordFailsWithoutEchoingIt() throws {
        var url = try TestDatabase.url()
        url.password = "Wr0ngPassw0rd"
        #expect {
            try PostgresConnection(url: url)
        } throws: { error in
            let error = error as? PostgresError
            return error?.kind == .connection && !(error?.message.contains("Wr0ng") ?? true)
                && error?.message.contains("password authentication failed") == true
        }
    }

    @Test func nothingListeningIsAConnectionError() throws {
        var url = try TestDatabase.url()
        url.port = 1
        #expect {
            try PostgresConnection(url: url)
        } throws: { error in
            (error as? PostgresError)?.kind == .connection
        }
    }

    @Test(arguments: [false, true])
    func parametersRoundTrip(prepared: Bool) throws {
        let connection = try TestDatabase.connect()
        let quoted = #"it's "quoted" \ back\slash; DROP TABLE x; --"#
        let unicode = "ünïcødé 🚀 日本語 \u{202E}"
        let bytes = (0...255).map(UInt8.init)
        let sql = "SELECT $1::text, $2::text, $3::text, $4::bytea, $5::bytea, $6::int8, $7::int8, $8::int8, $9::bool, $10::bool, $11::int8, $12::text"
        let parameters: [(any PostgresParameter)?] = [
            quoted, unicode, nil, bytes, [UInt8](), Int64.min, Int64.max, 0, true, false, nil, "",
        ]
        let result = prepared ? try connection.executePrepared(sql, parameters) : try connection.execute(sql, parameters)
        #expect(result.count == 1 && result.columnCount == 12)
        let row = try #require(result.first)
        #expect(try row.string(0) == quoted)
        #expect(try row.string(1) == unicode)
        #expect(try row.optionalString(2) == nil)
        #expect(try row.isNull(2))
        #expect(try row.bytes(3) == bytes)
        #expect(try row.bytes(4) == [])
        #expect(try row.int64(5) == Int64.min)
        #expect(try row.int64(6) == Int64.max)
        #expect(try row.int64(7) == 0)
        #expect(try row.bool(8) == true)
        #expect(try row.bool(9) == false)
        #expect(try row.optionalInt64(10) == nil)
        #expect(try row.optionalBytes(4) == [])
        #expect(try row.optionalBool(8) == true)
        #expect(try row.string(11) == "")
    }

    @Test func valuesSurviveATableRoundTrip() throws {
        let connection = try TestDatabase.connect()
        try connection.execute("CREATE TEMP TABLE items (id int8 PRIMARY KEY, name text, data bytea, flag bool)")
        let insert = "INSERT INTO items (id, name, data, flag) VALUES ($1, $2, $3, $4)"
        let rows: [(Int64, String?, [UInt8]?, Bool?)] = [
            (Int64.min, "O'Brien \"x\"", [0, 0x5c, 0x27, 0xff], true), (-1, nil, nil, nil), (Int64.max, "Ωμέγα", [], false),
        ]
        for (id, name, data, flag) in rows {
            let result = try connection.executePrepared(insert, [id, name, data, flag])
            #expect(result.affectedRows == 1)
        }
        let result = try connection.execute("SELECT id, name, data, flag FROM items ORDER BY id")
        #expect(result.count == 3)
        for (row, expected) in zip(result, rows) {
            #expect(try row.int64("id") == expected.0)
            #expect(try row.optionalString("name") == expected.1)
            #expect(try row.optionalBytes("data") == expected.2)
            #expect(try row.optionalBool("flag") == expected.3)
        }
    }

    @Test func preparedStatementsArePreparedOncePerConnection() throws {
        let connection = try TestDatabase.connect()
        let sql = "SELECT $1::int8 + 1"
        for value in Int64(1)...5 {
            #expect(try connection.executePrepared(sql, [value]).first?.int64(0) == value + 1)
        }
        #expect(connection.preparedStatementCount == 1)
        let onServer = try connection.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", [sql])
        #expect(try onServer.first?.int64(0) == 1)
        try connection.executePrepared("SELECT $1::text", ["x"])
        #expect(connection.preparedStatementCount == 2)
        // A statement that does not prepare is not cached.
        #expect(throws: PostgresError.self) { try connection.executePrepared("SELEKT 1") }
        #expect(connection.preparedStatementCount == 2)
        #expect(!connection.isBroken)
    }

    @Test func uniqueViolationCarriesItsSQLSTATE() throws {
        let connection = try TestDatabase.connect()
        try connection.execute("CREATE TEMP TABLE accounts (email text CONSTRAINT accounts_email_key UNIQUE)")
        try connection.executePrepared("INSERT INTO accounts VALUES ($1)", ["a@example.com"])
        let error = try #require(throws: PostgresError.self) {
            try connection.executePrepared("INSERT INTO accounts VALUES ($1)", ["a@example.com"])
        }
        #expect(error.isUniqueViolation)
        #expect(error.sqlState == "23505")
        #expect(error.kind == .server)
        #expect(error.constraint == "accounts_email_key")
        #expect(!error.isSerializationFailure && !error.isDeadlock && !error.isConnectionFailure)
        #expect(error.message.contains("duplicate key"))
        // The connection stays usable after a server-side error.
        #expect(!connection.isBroken)
        #expect(try connection.execute("SELECT count(*) FROM accounts").first?.int64(0) == 1)
    }

    @Test func scriptsRunSeveralStatementsAllOrNothing() throws {
        let connection = try TestDatabase.connect()
        try connection.executeScript("""
            CREATE TEMP TABLE s (k int8 PRIMARY KEY);
            INSERT INTO s VALUES (1);
            INSERT INTO s VALUES (2);
            """)
        let error = try #require(throws: PostgresError.self) {
            try connection.executeScript("INSERT INTO s VALUES (3); INSERT INTO s VALUES (1);")
        }
        #expect(error.isUniqueViolation)
        #expect(try connection.execute("SELECT count(*) FROM s").first?.int64(0) == 2)
        #expect(!connection.isInTransaction)
    }

    @Test func syntaxErrorsCarryTheirSQLSTATE() throws {
        let connection = try TestDatabase.connect()
        let error = try #require(throws: PostgresError.self) { try connection.execute("SELEKT 1") }
        #expect(error.sqlState == "42601")
        let division = try #require(throws: PostgresError.self) { try connection.execute("SELECT 1 / 0") }
        #expect(division.sqlState == "22012")
    }

    @Test func aNulCharacterIsRefusedBeforeSending() throws {
        let connection = try TestDatabase.connect()
        let error = try #require(throws: PostgresError.self) {
            try connection.execute("SELECT $1::text", ["a\u{0}b"])
        }
        #expect(error.kind == .usage)
        #expect(try connection.execute("SELECT 1").first?.int64(0) == 1)
    }

    @Test func accessorsCheckTypesAndNulls() throws {
        let connection = try TestDatabase.connect()
        let row = try #require(try connection.execute("SELECT 'x'::text AS t, NULL::int8 AS n, 7::int4 AS i, 'f'::bool AS b").first)
        #expect(throws: PostgresError.self) { try row.int64("t") }
        #expect(throws: PostgresError.self) { try row.int64("n") }
        #expect(throws: PostgresError.self) { try row.bytes("t") }
        #expect(throws: PostgresError.self) { try row.string("missing") }
        #expect(throws: PostgresError.self) { try row.string(9) }
        #expect(try row.int64("i") == 7)
        #expect(try row.optionalInt64("n") == nil)
        #expect(try row.string("i") == "7")
        #expect(try row.string("b") == "f")
    }

    @Test func transactionsCommitAndRollBack() throws {
        let connection = try TestDatabase.connect()
        try connection.execute("CREATE TEMP TABLE t (k int8 PRIMARY KEY)")
        try connection.transaction { c in
            try c.executePrepared("INSERT INTO t VALUES ($1)", [1])
            #expect(c.isInTransaction)
        }
        #expect(!connection.isInTransaction)

        #expect(throws: Planned.self) {
            try connection.transaction { c in
                try c.executePrepared("INSERT INTO t VALUES ($1)", [2])
                throw Planned()
            }
        }
        #expect(!connection.isInTransaction)
        let error = try #require(throws: PostgresError.self) {
            try connection.transaction { c in
                try c.executePrepared("INSERT INTO t VALUES ($1)", [3])
                try c.executePrepared("INSERT INTO t VALUES ($1)", [1])  // duplicate
            }
        }
        #expect(error.isUniqueViolation)
        // A caught error inside must not let the transaction look committed.
        #expect(throws: PostgresError.self) {
            try connection.transaction { c in
                try c.executePrepared("INSERT INTO t VALUES ($1)", [4])
                _ = try? c.executePrepared("INSERT INTO t VALUES ($1)", [1])
            }
        }
        #expect(!connection.isInTransaction)
        let keys = try connection.execute("SELECT k FROM t ORDER BY k").map { try $0.int64(0) }
        #expect(keys == [1])

        // No nesting.
        #expect(throws: PostgresError.self) {
            try connection.transaction { c in try c.transaction { _ in } }
        }
        #expect(!connection.isInTransaction)
    }

    @Test func serializableTransactionsRetryASerializationFailure() throws {
        let table = TestDatabase.uniqueName("serial")
        let a = try TestDatabase.connect()
        let b = try TestDatabase.connect()
        try a.execute("CREATE TABLE \(table) (k int8 NOT NULL)")
        defer { _ = try? a.execute("DROP TABLE \(table)") }

        // Write skew: each reads what the other writes. b commits first, so a fails with
        // 40001 on its first attempt and succeeds on the second.
        var attempts = 0
        try a.transaction(isolation: .serializable, maxAttempts: 3) { a in
            attempts += 1
            _ = try a.execute("SELECT count(*) FROM \(table) WHERE k = 1")
            if attempts == 1 {
                try b.transaction(isolation: .serializable) { b in
                    _ = try b.execute("SELECT count(*) FROM \(table) WHERE k = 2")
                    try b.execute("INSERT INTO \(table) VALUES (1)")
                }
            }
            try a.execute("INSERT INTO \(table) VALUES (2)")
        }
        #expect(attempts == 2)
        #expect(try a.execute("SELECT count(*) FROM \(table)").first?.int64(0) == 2)

        // Without retries, the same collision surfaces as 40001.
        try a.execute("DELETE FROM \(table)")
        let error = try #require(throws: PostgresError.self) {
            try a.transaction(isolation: .serializable) { a in
                _ = try a.execute("SELECT count(*) FROM \(table) WHERE k = 1")
                try b.transaction(isolation: .serializable) { b in
                    _ = try b.execute("SELECT count(*) FROM \(table) WHERE k = 2")
                    try b.execute("INSERT INTO \(table) VALUES (1)")
                }
                try a.execute("INSERT INTO \(table) VALUES (2)")
            }
        }
        #expect(error.isSerializationFailure)
        #expect(!a.isInTransaction && !a.isBroken)
    }
}
