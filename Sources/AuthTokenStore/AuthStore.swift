import Foundation

/// The storage interface of the auth core: one protocol per aggregate (what the rows hold),
/// composed here. The core uses `AuthStore` only; the parts exist so each aggregate's
/// requirements and rules read on their own (and in one file per backend of the same name:
/// `SQLiteStore+Tokens.swift`, `PostgresStore+Tokens.swift`, `SQLStore+Tokens.swift` for the
/// SQL both share; see docs/architecture.md, "The stores").
///
/// Every backend (SQLite, PostgreSQL) implements it, and one set of contract tests runs
/// against each. Methods are synchronous because the FastCGI server runs one request per
/// worker thread; a backend blocks that thread, never the others.
///
/// Rules every backend keeps (each part lists its own too):
/// - e-mail look-ups compare `Account.key(forEmail:)`, never the raw spelling;
/// - methods that take an `accountID` never touch another account's rows;
/// - all methods are safe to call from many threads at once.
public protocol AuthStore:
    AccountStore, TokenStore, SessionStore, TwoFactorStore, PasskeyStore, ThrottleStore, ActivityStore, AdminStore,
    DirectorySyncStore, UsageStore {}
