import AuthTokenSQLite
import Foundation
import AuthTokenTestKit
import Testing

@Suite struct MigrationTests {
    @Test func appliesTheNamedStepsInOrderAndOnlyOnce() throws {
        let t = try TestStore()
        let expected = [
            "2026-11-29-accounts", "2026-11-29-tokens", "2026-11-29-token-last-used",
            "2026-11-29-browser-sessions", "2026-11-29-browser-confirmations",
            "2026-11-29-2fa-totp", "2026-11-29-2fa-app-passwords", "2026-11-29-2fa-token-app-password",
            "2026-11-29-hardening-throttle", "2026-11-29-hardening-activity",
            "2026-11-29-guard-throttle-attempts", "2026-11-29-guard-app-password-lookup",
            "2026-11-29-accounts-session-client", "2026-11-29-accounts-password-reset",
            "2026-11-30-lifecycle-token-expiry", "2026-11-30-lifecycle-token-rotation",
            "2026-11-30-lifecycle-token-reminders", "2026-11-30-admin-pages", "2026-11-30-session-second-factor",
            "2026-12-02-registration-link-password",
            "2026-12-02-passkeys", "2026-12-02-account-origin",
            "2026-12-02-directory-sync", "2026-12-03-daily-use",
        ]
        #expect(try t.store.appliedMigrations() == expected)
        // Opening the same file again runs nothing twice and keeps the data.
        _ = try t.auth.accounts.addAccount(email: "keep@example.com", displayName: nil, password: "password1", confirmed: true)
        let again = try SQLiteStore(path: t.directory.appendingPathComponent("test.sqlite").path)
        #expect(try again.appliedMigrations() == expected)
        #expect(try again.account(email: "keep@example.com") != nil)
    }

    @Test func usesWriteAheadLogging() throws {
        let t = try TestStore()
        #expect(try t.store.journalMode() == "wal")
    }
}
