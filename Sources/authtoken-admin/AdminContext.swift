import AuthTokenConfig
import AuthTokenCore
import AuthTokenStore
import AuthTokenBackends
import AuthTokenLDAP
import Foundation

/// The configuration and the auth core, opened the way the server opens them.
struct AdminContext {
    let configuration: AppConfiguration
    let auth: AuthService

    static func open() async throws -> AdminContext {
        let configuration = try await AppConfiguration.load()
        let store = try Backend.open(
            configuration.databasePath, threads: 2, primaryWait: configuration.primaryWaitSeconds)
        let directory = configuration.auth.directory.map { LDAPDirectory(settings: $0) }
        return AdminContext(
            configuration: configuration, auth: AuthService(store: store, settings: configuration.auth, directory: directory))
    }
}

extension AdminContext {
    /// The CLI's changes go to the account's activity log, so its owner sees them too.
    /// How the activity log names the admin CLI.
    static let client = Client(address: "", userAgent: "authtoken-admin")

    func logAdmin(_ accountID: Int64, _ what: String) throws {
        try auth.activity.record(.admin, accountID: accountID, client: Self.client,
                     detail: "by an administrator: " + what)
    }
}

/// Dates in admin output: ISO 8601 in UTC, sortable and unambiguous.
func isoDate(_ date: Date) -> String {
    date.formatted(.iso8601)
}
