import AuthTokenCore
import Lifecycle
import Logging

/// The directory sync, when directory sign-in is on: at start, then every sync period.
func directoryTasks(_ auth: AuthService, _ settings: DirectorySettings?, _ logger: Logger) -> [any BackgroundTask] {
    guard let settings, auth.directory.isOn else { return [] }
    return [DirectorySyncer(auth: auth, period: settings.syncPeriod) { result in
        switch result {
        case .success(let report) where report.refused != nil:
            logger.error("directory sync refused", metadata: ["summary": "\(report.summary)"])
        case .success(let report) where !report.deactivated.isEmpty || !report.reactivated.isEmpty || !report.adminChanges.isEmpty:
            logger.notice("directory sync", metadata: ["summary": "\(report.summary)"])
        case .success(let report):
            logger.info("directory sync", metadata: ["summary": "\(report.summary)"])
        case .failure(let error):
            logger.error("directory sync failed; nothing changed", metadata: ["error": "\(error)"])
        }
    }]
}
