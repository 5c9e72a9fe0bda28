import AuthTokenPostgres
import AuthTokenStore
import Foundation
import Synchronization
import Testing

/// What only the PostgreSQL backend promises, beyond the contract.
@Suite struct PostgresStoreTests {
    @Test func appliesTheNamedStepsInOrder() throws {
        let fixture = try PostgresFixture()
        defer { fixture.destroy() }
        #expect(try fixture.appliedMigrations(fixture.store) == [
            "2026-11-29-accounts", "2026-11-29-tokens", "2026-11-29-browser-sessions",
            "2026-11-29-browser-confirmations", "2026-11-29-2fa-totp", "2026-11-29-2fa-app-passwords",
            "2026-11-29-hardening-throttle", "2026-11-29-hardening-activity",
            "2026-11-29-accounts-session-client", "2026-11-29-accounts-password-reset",
            "2026-11-30-lifecycle-token-expiry", "2026-11-30-lifecycle-token-rotation",
            "2026-11-30-lifecycle-token-reminders", "2026-11-30-admin-pages", "2026-11-30-session-second-factor",
            "2026-12-02-registration-link-password", "2026-12-02-passkeys", "2026-12-02-account-origin",
            "2026-12-02-directory-sync", "2026-12-03-daily-use",
        ])
    }

    /// Instances starting together on an empty database take turns at the advisory lock:
    /// every one starts, and every step runs once.
    @Test func instancesStartingTogetherMigrateOnce() throws {
        let base = try PostgresFixture()
        defer { base.destroy() }
        let schema = "contract_fresh_\(UInt64.random(in: 0...UInt64.max))"
        let admin = try PostgresConnection(url: base.url)
        defer {
            _ = try? admin.execute("DROP SCHEMA \(schema) CASCADE")
            admin.close()
        }
        try admin.execute("CREATE SCHEMA \(schema)")
        var url = base.url
        url.options = [.init(key: "options", value: "-c search_path=\(schema)")]
        let freshURL = url
        let failures = Mutex<[String]>([])
        let done = DispatchGroup()
        for _ in 0..<6 {
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
                do {
                    let store = try PostgresStore(url: freshURL)
                    _ = try store.accounts()
                    store.closeThreadConnection()
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        done.wait()
        #expect(failures.withLock { $0 } == [])
        #expect(try admin.execute("SELECT count(*), count(DISTINCT name) FROM \(schema).schema_migrations").first
            .map { [try $0.int64(0), try $0.int64(1)] } == [20, 20])
    }

    /// The token check reads while a cap check holds the account's row lock.
    @Test func grantIsNotHeldUpByALockedAccount() throws {
        let fixture = try PostgresFixture()
        defer { fixture.destroy() }
        let store = fixture.store
        let ann = try store.createAccount(newAccount("ann@example.com"))
        _ = try store.insertToken(newToken(ann.id, "locked"), limit: 10)
        let other = try PostgresConnection(url: fixture.url)
        defer { other.close() }
        try other.execute("BEGIN")
        try other.execute("SELECT 1 FROM account WHERE id = $1 FOR UPDATE", [ann.id])
        try other.execute("SET LOCAL lock_timeout = '5s'")
        let started = Date()
        #expect(try store.grant(digest: "locked")?.accountID == ann.id)
        #expect(Date().timeIntervalSince(started) < 1)
        try other.execute("ROLLBACK")
    }

    @Test func rowsForAnAccountThatDoesNotExistAreRefusedAsNoSuchAccount() throws {
        let fixture = try PostgresFixture()
        defer { fixture.destroy() }
        let store = fixture.store
        #expect(throws: StoreError.noSuchAccount) { try store.createSession(digest: "s", accountID: 42, at: t0) }
        #expect(throws: StoreError.noSuchAccount) { try store.createConfirmation(digest: "c", accountID: 42, expiresAt: t0) }
        #expect(throws: StoreError.noSuchAccount) { try store.createPendingSignIn(digest: "p", accountID: 42, expiresAt: t0) }
        #expect(throws: StoreError.noSuchAccount) { try store.storePendingTwoFactor(accountID: 42, sealedSecret: [1]) }
        #expect(throws: StoreError.noSuchAccount) {
            try store.insertAppPassword(accountID: 42, name: "n", passwordHash: "h", lookupDigest: "l", createdAt: t0, limit: 5)
        }
        #expect(throws: StoreError.noSuchAccount) {
            try store.insertActivity(NewActivity(at: t0, accountID: 42, kind: .admin, address: "", userAgent: "", detail: ""))
        }
        // A duplicate token digest is not an e-mail problem: the driver's error comes through.
        let ann = try store.createAccount(newAccount("ann@example.com"))
        _ = try store.insertToken(newToken(ann.id, "dup"), limit: 10)
        let error = try #require(throws: PostgresError.self) { try store.insertToken(newToken(ann.id, "dup"), limit: 10) }
        #expect(error.isUniqueViolation)
    }

    /// A store keeps working when its thread's connection is killed: one call fails, the
    /// next reconnects and prepares its statements again.
    /// The server ends the thread's connection while it sits idle (as a restart does): the
    /// next call notices before sending anything, opens a new connection and succeeds.
    @Test func aConnectionTheServerClosedWhileIdleIsReplacedWithoutAFailedCall() throws {
        let fixture = try PostgresFixture()
        defer { fixture.destroy() }
        let store = fixture.store
        let ann = try store.createAccount(newAccount("ann@example.com"))
        _ = try store.insertToken(newToken(ann.id, "t"), limit: 10)
        #expect(try store.grant(digest: "t") != nil)
        let admin = try PostgresConnection(url: fixture.url)
        defer { admin.close() }
        try admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND application_name = $1",
            [fixture.schema])
        // Wait until the backend process has gone (so its socket is closed), at most 10 s.
        for _ in 0..<100 {
            let left = try admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND application_name = $1",
                [fixture.schema])[0].int64(0)
            if left == 0 { break }
            usleep(100_000)
        }
        #expect(try store.grant(digest: "t")?.accountID == ann.id)
        #expect(try store.grant(digest: "t")?.accountID == ann.id)
    }
}
