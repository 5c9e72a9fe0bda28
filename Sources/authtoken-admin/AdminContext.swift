import AuthTokenConfig
import AuthTokenCore
import AuthTokenSQLite
import Foundation

/// The configuration and the auth core, opened the way the server opens them.
struct AdminContext {
    let configuration: AppConfiguration
    let auth: AuthService

    static func open() async throws -> AdminContext {
        let configuration = try await AppConfiguration.load()
        let store = try SQLiteStore(path: configuration.databasePath, readers: 2)
        return AdminContext(configuration: configuration, auth: AuthService(store: store, settings: configuration.auth))
    }
}

/// Dates in admin output: ISO 8601 in UTC, sortable and unambiguous.
func isoDate(_ date: Date) -> String {
    date.formatted(.iso8601)
}
