import Foundation

/// The last directory sync's result (docs/directory.md), kept where every instance sharing
/// the store reads it: one row, replaced by each sync.
public struct DirectorySyncRecord: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        /// The sync ran and made its changes (possibly none).
        case applied
        /// The mass-deactivation guard refused it: nothing changed.
        case refused
        /// The directory (or the store) failed: nothing changed.
        case failed
    }

    /// When the sync ended (whole seconds).
    public var at: Date
    public var outcome: Outcome
    /// Directory accounts looked up.
    public var checked: Int
    /// Accounts deactivated (refused: that would have been).
    public var deactivated: Int
    /// Accounts activated again.
    public var reactivated: Int
    /// Admin granted or taken back with the administrators' group.
    public var adminChanges: Int
    /// A failed sync's error class (a type name such as `DirectoryUnavailable`): never its
    /// text, which could carry what the directory said.
    public var errorClass: String?

    public init(at: Date, outcome: Outcome, checked: Int = 0, deactivated: Int = 0, reactivated: Int = 0,
                adminChanges: Int = 0, errorClass: String? = nil) {
        self.at = at
        self.outcome = outcome
        self.checked = checked
        self.deactivated = deactivated
        self.reactivated = reactivated
        self.adminChanges = adminChanges
        self.errorClass = errorClass
    }
}

/// The last directory sync, for the administrators' pages.
///
/// Rules a backend must keep:
/// - there is at most one record: `recordDirectorySync` replaces the one before, in one step;
/// - times are whole seconds, like every time in the store.
public protocol DirectorySyncStore: Sendable {
    /// Keeps `record` as the last sync, replacing the one before.
    func recordDirectorySync(_ record: DirectorySyncRecord) throws
    /// The last sync kept; nil before the first.
    func lastDirectorySync() throws -> DirectorySyncRecord?
}
