import AuthTokenPostgres
import AuthTokenSQLite
import AuthTokenStore
import Foundation
import GRDB
import Testing

/// `authtoken-admin migrate`'s two halves: SQLite exports, PostgreSQL imports, and what
/// comes out on the PostgreSQL side is the same installation.
@Suite struct StoreTransferTests {
    let secret: [UInt8] = [0, 1, 0x7f, 0x80, 0xff, 0]

    @Test func theTableListNamesEveryColumnOfBothSchemas() throws {
        let expected = Dictionary(uniqueKeysWithValues: TransferTable.all.map { ($0.name, Set($0.columns)) })
        let sqlite = try SQLiteFixture()
        defer { sqlite.destroy() }
        let sqliteColumns = try DatabaseQueue(path: sqlite.path).read { db in
            let tables = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table'
                AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations'
                """)
            return try Dictionary(uniqueKeysWithValues: tables.map { table in
                (table, Set(try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [table])))
            })
        }
        #expect(sqliteColumns == expected)

        let postgres = try PostgresFixture()
        defer { postgres.destroy() }
        let connection = try PostgresConnection(url: postgres.url)
        defer { connection.close() }
        var postgresColumns: [String: Set<String>] = [:]
        for row in try connection.execute("""
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = $1 AND table_name != 'schema_migrations'
            """, [postgres.schema]) {
            postgresColumns[try row.string(0), default: []].insert(try row.string(1))
        }
        #expect(postgresColumns == expected)
    }

    @Test func everythingArrivesWithItsIdsAndDigestsAndStillWorks() throws {
        let sqlite = try SQLiteFixture()
        defer { sqlite.destroy() }
        let postgres = try PostgresFixture()
        defer { postgres.destroy() }
        let from = sqlite.store
        // Ids with gaps, so that kept ids and the generator's next value are both tested.
        let gone = try from.createAccount(newAccount("gone@example.com"))
        let ann = try from.createAccount(newAccount("ann@example.com", confirmed: true))
        let bob = try from.createAccount(newAccount("Bob@Example.com", confirmed: false, active: false))
        try sqlite.deleteAccount(id: gone.id)
        let old = try from.insertToken(newToken(ann.id, hex(1)), limit: 10)
        let token = try from.insertToken(newToken(ann.id, hex(2), scopes: ["a/b", "c/d"], appPasswordID: 7), limit: 10)
        var expiring = newToken(ann.id, hex(6))
        expiring.expiresAt = at(86400)
        expiring.lifetime = 86400
        let rotating = try from.insertToken(expiring, limit: 10)
        _ = try #require(try from.rotateToken(rotation(rotating.id, hex(6), hex(7), at: 100)))
        let newest = try from.insertToken(newToken(ann.id, hex(4)), limit: 10)
        #expect(try from.deleteToken(id: old.id, accountID: ann.id))
        #expect(try from.deleteToken(id: newest.id, accountID: ann.id))
        try from.recordUses([TokenUse(tokenID: token.id, at: 1_800_000_100, from: "192.0.2.7")])
        let app = try from.insertAppPassword(accountID: ann.id, name: "laptop", passwordHash: "$argon2id$app",
                                             lookupDigest: "lookup-1", createdAt: t0, limit: 5)
        _ = try from.insertAppPassword(accountID: ann.id, name: "ancient", passwordHash: "$argon2id$old",
                                       lookupDigest: "lookup-2", createdAt: t0, limit: 5)
        try DatabaseQueue(path: sqlite.path).write { db in
            try db.execute(sql: "UPDATE app_password SET lookup_digest = NULL WHERE name = 'ancient'")
        }
        #expect(try from.storePendingTwoFactor(accountID: ann.id, sealedSecret: secret))
        #expect(try from.enableTwoFactor(accountID: ann.id, sealedSecret: secret, step: 42, recoveryDigests: ["r1", "r2"], keepSession: nil))
        try from.createSession(digest: "session-1", accountID: ann.id, at: t0, address: "192.0.2.7", userAgent: "Firefox")
        try from.createConfirmation(digest: "confirm-1", accountID: bob.id, expiresAt: at(3600))
        var pending = newAccount("dan@example.com")
        pending.passwordHash = Account.noPassword
        let dan = try from.createAccount(pending)
        #expect(try from.addRegistrationLink(
            digest: "confirm-2", accountID: dan.id, expiresAt: at(3600), passwordHash: "$argon2id$dan", displayName: "Dan"))
        try from.createPendingSignIn(digest: "pending-1", accountID: ann.id, expiresAt: at(300))
        let key = try from.insertPasskey(accountID: ann.id, credentialID: [7, 7], publicKey: [0xa5], signCount: 3, name: "key",
                                         createdAt: t0, limit: 5)
        try from.storePasskeyChallenge(digest: "challenge-1", accountID: ann.id, purpose: "sign-in", expiresAt: at(300))
        try from.createPasswordReset(digest: "reset-1", accountID: ann.id, expiresAt: at(3600))
        _ = try from.countAttempt(key: "address:192.0.2.9", now: t0, window: 900)
        _ = try from.recordFailure(key: "address:192.0.2.9", now: t0)
        try from.insertActivity(NewActivity(at: t0, accountID: ann.id, kind: .signIn, address: "192.0.2.7",
                                            userAgent: "curl", detail: "ok"))
        let lastSync = DirectorySyncRecord(at: t0, outcome: .refused, checked: 9, deactivated: 4, reactivated: 0,
                                           adminChanges: 1)
        try from.recordDirectorySync(lastSync)
        let usage = UsageCounts(tokens: [TokenDayCount(tokenID: token.id, day: 20833, count: 12)],
                                checks: [CheckDayCount(day: 20833, outcome: .scope, count: 2)])
        try from.addUsage(usage)

        let to = postgres.store as! PostgresStore
        let counts = try to.importRows { insert in try (from as! SQLiteStore).exportRows(insert) }
        #expect(counts == ["account": 3, "token": 2, "retired_token": 1, "app_password": 1, "two_factor": 1, "recovery_code": 2,
                           "web_session": 1, "confirmation": 2, "pending_sign_in": 1, "password_reset": 1, "throttle": 1,
                           "activity": 1, "passkey": 1, "passkey_challenge": 1, "directory_sync": 1,
                           "token_daily_use": 1, "check_daily": 1])
        #expect(try to.tokenDays(accountID: ann.id, tokenID: nil, since: 0) == usage.tokens)
        #expect(try to.checkDays(since: 0) == usage.checks)
        #expect(try to.lastDirectorySync() == lastSync)
        #expect(try to.passkeys(accountID: ann.id) == [key])
        #expect(try to.takePasskeyChallenge(digest: "challenge-1", accountID: ann.id, purpose: "sign-in", now: t0))

        #expect(try to.account(id: ann.id) == from.account(id: ann.id))
        #expect(try to.account(email: "bob@example.com") == from.account(id: bob.id))
        #expect(try to.grant(digest: hex(2)) == TokenGrant(tokenID: token.id, accountID: ann.id, email: "ann@example.com",
                                                           accountActive: true, scopes: ["a/b", "c/d"]))
        #expect(try to.grant(digest: hex(1)) == nil)
        // Expiry and rotation arrive: the old value is still known as retired.
        #expect(try to.grant(digest: hex(7)) == from.grant(digest: hex(7)))
        #expect(try to.grant(digest: hex(6)) == from.grant(digest: hex(6)))
        #expect(try to.grant(digest: hex(6))?.retiredUntil == 1_800_003_700)
        #expect(try to.tokens(accountID: ann.id) == from.tokens(accountID: ann.id))
        #expect(try to.appPassword(accountID: ann.id, lookupDigest: "lookup-1") == app)
        #expect(try to.twoFactor(accountID: ann.id) == TwoFactorRecord(accountID: ann.id, sealedSecret: secret,
                                                                       enabled: true, lastStep: 42))
        #expect(try !to.acceptStep(accountID: ann.id, step: 42))
        #expect(try to.useRecoveryCode(accountID: ann.id, digest: "r2"))
        #expect(try to.session(digest: "session-1")?.account.id == ann.id)
        #expect(try to.sessions(accountID: ann.id).map(\.userAgent) == ["Firefox"])
        #expect(try to.useConfirmation(digest: "confirm-1", now: t0) == bob.id)
        // A registration's link arrives with the password it confirms.
        #expect(try to.useConfirmation(digest: "confirm-2", now: t0) == dan.id)
        #expect(try to.account(id: dan.id)?.passwordHash == "$argon2id$dan")
        #expect(try to.account(id: dan.id)?.displayName == "Dan")
        #expect(try to.takePendingSignIn(digest: "pending-1", now: t0) == ann.id)
        #expect(try to.takePasswordReset(digest: "reset-1", now: t0) == ann.id)
        #expect(try to.countAttempt(key: "address:192.0.2.9", now: at(1), window: 900).count == 2)
        #expect(try to.activity(accountID: ann.id, limit: 10).map(\.entry.detail) == ["ok"])
        // New rows get ids after any the source ever issued: a removed token's id, named in
        // activity entries, is never given to another.
        let carl = try to.createAccount(newAccount("carl@example.com"))
        #expect(carl.id == dan.id + 1)
        #expect(try to.insertToken(newToken(carl.id, hex(3)), limit: 10).id == newest.id + 1)
    }

    @Test func aTargetThatIsNotEmptyIsRefusedAndKeepsWhatItHad() throws {
        let sqlite = try SQLiteFixture()
        defer { sqlite.destroy() }
        let postgres = try PostgresFixture()
        defer { postgres.destroy() }
        _ = try sqlite.store.createAccount(newAccount("ann@example.com"))
        _ = try postgres.store.createAccount(newAccount("zed@example.com"))
        let to = postgres.store as! PostgresStore
        #expect(throws: TransferError.targetNotEmpty(table: "account", rows: 1)) {
            try to.importRows { insert in try (sqlite.store as! SQLiteStore).exportRows(insert) }
        }
        #expect(try to.accounts().map(\.email) == ["zed@example.com"])
    }

    @Test func aCountThatDoesNotMatchLeavesTheTargetEmpty() throws {
        let sqlite = try SQLiteFixture()
        defer { sqlite.destroy() }
        let postgres = try PostgresFixture()
        defer { postgres.destroy() }
        _ = try sqlite.store.createAccount(newAccount("ann@example.com"))
        let to = postgres.store as! PostgresStore
        #expect(throws: TransferError.countMismatch(table: "account", sent: 2, stored: 1)) {
            try to.importRows { insert in
                var counts = try (sqlite.store as! SQLiteStore).exportRows(insert)
                counts.copyable["account"] = 2
                return counts
            }
        }
        #expect(try to.accounts().isEmpty)
    }

    @Test func sqliteLeavesOutApplicationPasswordsWithoutALookUpDigest() throws {
        let sqlite = try SQLiteFixture()
        defer { sqlite.destroy() }
        let ann = try sqlite.store.createAccount(newAccount("ann@example.com"))
        for name in ["a", "b"] {
            _ = try sqlite.store.insertAppPassword(accountID: ann.id, name: name, passwordHash: "h", lookupDigest: name,
                                                   createdAt: t0, limit: 5)
        }
        try DatabaseQueue(path: sqlite.path).write { db in
            try db.execute(sql: "UPDATE app_password SET lookup_digest = NULL WHERE name = 'a'")
        }
        var names: [String] = []
        let counts = try (sqlite.store as! SQLiteStore).exportRows { table, values in
            if table.name == "app_password" { names.append(values[2] == .text("b") ? "b" : "?") }
        }
        #expect(names == ["b"])
        #expect(counts.copyable["app_password"] == 1)
        #expect(counts.leftOut == ["app_password": 1])
        #expect(counts.lastIDs == ["account": ann.id, "token": 0, "app_password": 2, "activity": 0, "passkey": 0])
    }
}
