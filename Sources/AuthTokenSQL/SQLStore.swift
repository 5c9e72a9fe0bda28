import AuthTokenStore

/// What a store method runs statements on: a GRDB `Database` or a `PostgresConnection`.
public protocol SQLExecutor {
    associatedtype Row: SQLRowReading
    /// Runs the statement and returns its rows.
    func rows(_ statement: SQLStatement, _ arguments: [SQLValue]) throws -> [Row]
    /// Runs the statement and returns how many rows it changed.
    @discardableResult
    func run(_ statement: SQLStatement, _ arguments: [SQLValue]) throws -> Int
}

extension SQLExecutor {
    /// The first row, if any.
    public func row(_ statement: SQLStatement, _ arguments: [SQLValue]) throws -> Row? {
        try rows(statement, arguments).first
    }

    /// True when the statement changed at least one row.
    public func changesRow(_ statement: SQLStatement, _ arguments: [SQLValue]) throws -> Bool {
        try run(statement, arguments) > 0
    }

    /// The first column of the first row as an integer (`count(*)`, `RETURNING id`); 0 when
    /// there is no row.
    public func integer(_ statement: SQLStatement, _ arguments: [SQLValue]) throws -> Int64 {
        try row(statement, arguments)?.int64(0) ?? 0
    }
}

/// A backend whose store methods are written once, over its executor (the `SQLStore+*.swift`
/// files). A backend gives its way to run statements, its account lock for the caps, and
/// implements itself only what differs (the token check, last-use writes, the throttle's
/// upserts, migrations, backup and transfer).
///
/// The backend maps its driver's errors to `StoreError` where the protocols name one
/// (`duplicateEmail`) in `read`, `write` and `transaction`.
public protocol SQLStore: AuthStore {
    associatedtype Executor: SQLExecutor
    /// Statements that only read.
    func read<T>(_ body: (Executor) throws -> T) throws -> T
    /// Statements that write, each on its own (or together, when the backend prefers).
    @discardableResult
    func write<T>(_ body: (Executor) throws -> T) throws -> T
    /// All of `body` or nothing; an error thrown by `body` rolls back.
    func transaction<T>(_ body: (Executor) throws -> T) throws -> T
    /// `transaction`, for a change whose effect can be looked for: when a backend cannot tell
    /// whether its COMMIT went through (the server went away just then), it asks `landed`
    /// with the value `body` computed, and answers that value if so, or runs `body` again.
    func transaction<T>(_ body: (Executor) throws -> T, landed: (Executor, T) throws -> Bool) throws -> T
    /// Inside a `transaction`: holds the account's lock until it ends, so that a count then
    /// insert under a cap cannot interleave with another; `StoreError.noSuchAccount` when
    /// there is no such account.
    func lockAccount(_ accountID: Int64, _ executor: Executor) throws
    /// How this dialect sorts never-used tokens (NULL): appended to a descending and an
    /// ascending order on `last_used_at` so that never used comes last, then first.
    static var nullsLast: String { get }
    static var nullsFirst: String { get }
}

extension SQLStore {
    /// A backend whose COMMIT either happens or fails cleanly (SQLite, in this process)
    /// never needs to look.
    public func transaction<T>(_ body: (Executor) throws -> T, landed: (Executor, T) throws -> Bool) throws -> T {
        try transaction(body)
    }
}
