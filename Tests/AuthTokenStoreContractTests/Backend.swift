import AuthTokenPostgres
import AuthTokenSQLite
import AuthTokenStore
import Foundation
import GRDB
import Synchronization
import Testing

/// Every backend the contract runs against. Each test takes one as its argument and gets a
/// fresh, empty store from `makeFixture()`.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    func makeFixture() throws -> Fixture {
        switch self {
        case .sqlite: try SQLiteFixture()
        case .postgres: try PostgresFixture()
        }
    }
}

/// A fresh store and what the contract needs around it that the protocol does not offer.
protocol Fixture: Sendable {
    var store: any AuthStore { get }
    /// Another instance on the same database, as a second process would open it.
    func reopen() throws -> any AuthStore
    /// The backend's own SQL for what the protocol has no method for (an administrator's
    /// `DELETE FROM account`), with its foreign keys in force.
    func deleteAccount(id: Int64) throws
    /// Called at the end of every thread a test starts, with the store it used.
    func threadEnds(_ store: any AuthStore)
    func appliedMigrations(_ store: any AuthStore) throws -> [String]
    /// Removes the database. The test's own thread is done with the store.
    func destroy()
}

final class SQLiteFixture: Fixture {
    let directory: URL
    let store: any AuthStore

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("authtoken-contract-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory.appendingPathComponent("store.sqlite").path, readers: 8)
    }

    var path: String { directory.appendingPathComponent("store.sqlite").path }

    func reopen() throws -> any AuthStore { try SQLiteStore(path: path, readers: 8) }

    func deleteAccount(id: Int64) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA foreign_keys = ON") }
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.write { db in try db.execute(sql: "DELETE FROM account WHERE id = ?", arguments: [id]) }
    }

    func threadEnds(_ store: any AuthStore) {}

    func appliedMigrations(_ store: any AuthStore) throws -> [String] {
        try (store as! SQLiteStore).appliedMigrations()
    }

    func destroy() { try? FileManager.default.removeItem(at: directory) }
}

/// A schema of its own per test (`search_path` in the connection's options), in the
/// database scripts/test starts: no CREATEDB needed, and cheap to make and drop.
final class PostgresFixture: Fixture {
    let url: PostgresURL
    let schema: String
    let store: any AuthStore

    init() throws {
        let base = try ContractDatabase.url()
        schema = "contract_\(UInt64.random(in: 0...UInt64.max))"
        let admin = try PostgresConnection(url: base)
        defer { admin.close() }
        try admin.execute("CREATE SCHEMA \(schema)")
        var url = base
        url.options.append(.init(key: "options", value: "-c search_path=\(schema)"))
        url.options.append(.init(key: "application_name", value: schema))
        self.url = url
        store = try PostgresStore(url: url)
    }

    func reopen() throws -> any AuthStore { try PostgresStore(url: url) }

    func deleteAccount(id: Int64) throws {
        let connection = try PostgresConnection(url: url)
        defer { connection.close() }
        try connection.execute("DELETE FROM account WHERE id = $1", [id])
    }

    func threadEnds(_ store: any AuthStore) {
        (store as! PostgresStore).closeThreadConnection()
    }

    func appliedMigrations(_ store: any AuthStore) throws -> [String] {
        try (store as! PostgresStore).appliedMigrations()
    }

    func destroy() {
        (store as! PostgresStore).closeThreadConnection()
        guard let admin = try? PostgresConnection(url: url) else { return }
        defer { admin.close() }
        _ = try? admin.execute("DROP SCHEMA \(schema) CASCADE")
    }
}

/// The server the PostgreSQL half runs against: scripts/test starts one and exports
/// AUTHTOKEN_TEST_POSTGRES_URL and PGPASSFILE. Without them that half fails, saying so.
enum ContractDatabase {
    struct NotConfigured: Error, CustomStringConvertible {
        var description: String
    }

    static func url() throws -> PostgresURL {
        let environment = ProcessInfo.processInfo.environment
        guard let text = environment["AUTHTOKEN_TEST_POSTGRES_URL"], !text.isEmpty else {
            throw NotConfigured(description: """
                AUTHTOKEN_TEST_POSTGRES_URL is not set: the PostgreSQL half of the contract needs a real server. \
                Run scripts/test, or: URL=$(scripts/pg-cluster start /tmp/pg) && \
                AUTHTOKEN_TEST_POSTGRES_URL=$URL PGPASSFILE=/tmp/pg/pgpass swift test --filter AuthTokenStoreContractTests
                """)
        }
        guard environment["PGPASSFILE"] != nil || environment["PGPASSWORD"] != nil else {
            throw NotConfigured(description: "PGPASSFILE is not set: point it at the cluster's DIR/pgpass")
        }
        return try PostgresURL(text)
    }
}

/// A fresh store for one test, destroyed when the test's body returns.
func withStore<T>(_ backend: Backend, _ body: (any Fixture, any AuthStore) throws -> T) throws -> T {
    let fixture = try backend.makeFixture()
    defer { fixture.destroy() }
    return try body(fixture, fixture.store)
}

/// Runs `body` on `count` new threads that start together (each has opened its connection
/// first, so they meet at the store, not at connect), alternating between the `stores`
/// (separate instances, like separate processes); returns the results in thread order.
func race<T: Sendable>(
    _ count: Int, _ fixture: any Fixture, stores: [any AuthStore],
    _ body: @escaping @Sendable (Int, any AuthStore) throws -> T
) -> [Result<T, any Error>] {
    let results = Mutex<[Int: Result<T, any Error>]>([:])
    let start = NSCondition()
    let ready = Mutex(0)
    let go = Mutex(false)
    let done = DispatchGroup()
    let storeBox = StoresBox(stores)
    for index in 0..<count {
        done.enter()
        let thread = Thread {
            let store = storeBox.stores[index % storeBox.stores.count]
            defer {
                fixture.threadEnds(store)
                done.leave()
            }
            _ = try? store.account(id: -1)  // opens this thread's connection
            start.lock()
            ready.withLock { $0 += 1 }
            start.broadcast()
            while !go.withLock({ $0 }) { start.wait() }
            start.unlock()
            let result = Result { try body(index, store) }
            results.withLock { $0[index] = result }
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    start.lock()
    while ready.withLock({ $0 }) < count { start.wait() }
    go.withLock { $0 = true }
    start.broadcast()
    start.unlock()
    done.wait()
    return results.withLock { dict in (0..<count).map { dict[$0]! } }
}

struct StoresBox: @unchecked Sendable {
    let stores: [any AuthStore]
    init(_ stores: [any AuthStore]) { self.stores = stores }
}

extension Result {
    var value: Success? { try? get() }
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

/// A fixed instant with whole seconds, and one with a fraction, for round-trip checks.
let t0 = Date(timeIntervalSince1970: 1_800_000_000)

func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

func newAccount(_ email: String, confirmed: Bool = false, active: Bool = true, createdAt: Date = t0) -> NewAccount {
    NewAccount(email: email, displayName: "Name of \(email)", passwordHash: "$argon2id$hash-\(email)",
               confirmed: confirmed, active: active, createdAt: createdAt)
}

func newToken(_ accountID: Int64, _ digest: String, scopes: [String] = ["ZohoCRM/crmapi"], appPasswordID: Int64? = nil,
              createdAt: Date = t0) -> NewToken {
    NewToken(accountID: accountID, digest: digest, hint: String(digest.suffix(4)), scopes: scopes,
             displayName: "token \(digest)", createdAt: createdAt, appPasswordID: appPasswordID)
}

func hex(_ n: Int) -> String {
    String(repeating: "0", count: 63 - String(n, radix: 16).count) + "f" + String(n, radix: 16)
}
