import AuthTokenCore
import AuthTokenStore

/// The last directory sync as the accounts page says it (docs/admin.md): when, what it
/// checked and changed, or why it changed nothing. Only what the store keeps is shown: counts,
/// the outcome and a failure's error class, never what the directory said.
enum AdminDirectorySync {
    /// Nil when no directory is configured (the page then has no such section).
    static func view(_ directory: DirectoryService) throws -> AdminAccountsView.DirectorySync? {
        guard directory.isOn else { return nil }
        guard let last = try directory.lastSync() else {
            return .init(outcome: "none", summary: "No directory sync has run yet.")
        }
        return .init(outcome: last.outcome.rawValue, summary: summary(last))
    }

    static func summary(_ last: DirectorySyncRecord) -> String {
        let when = "Last sync " + PageDate.string(from: last.at) + ": "
        switch last.outcome {
        case .applied:
            return when + "checked \(accounts(last.checked)); deactivated \(last.deactivated), "
                + "reactivated \(last.reactivated), admin changes \(last.adminChanges)."
        case .refused:
            return when + "refused by the mass-deactivation guard: \(last.deactivated) of \(accounts(last.checked)) "
                + "would have been deactivated; nothing changed (check the directory, then run "
                + "authtoken-admin directory sync --force)."
        case .failed:
            return when + "failed (\(last.errorClass ?? "unknown error")); nothing changed."
        }
    }

    private static func accounts(_ count: Int) -> String {
        count == 1 ? "1 directory account" : "\(count) directory accounts"
    }
}
