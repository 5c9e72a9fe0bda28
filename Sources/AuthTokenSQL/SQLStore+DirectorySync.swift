import AuthTokenStore
import Foundation

extension StoreSQL {
    static let recordDirectorySync = SQLStatement("""
        INSERT INTO directory_sync (id, at, outcome, checked, deactivated, reactivated, admin_changes, error_class)
        VALUES (1, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET at = excluded.at, outcome = excluded.outcome, checked = excluded.checked,
            deactivated = excluded.deactivated, reactivated = excluded.reactivated,
            admin_changes = excluded.admin_changes, error_class = excluded.error_class
        """)
    static let lastDirectorySync = SQLStatement("""
        SELECT at, outcome, checked, deactivated, reactivated, admin_changes, error_class FROM directory_sync WHERE id = 1
        """)
}

/// The last directory sync: one row (id 1), replaced by an upsert.
extension SQLStore {
    public func recordDirectorySync(_ record: DirectorySyncRecord) throws {
        try write { db in
            try db.run(StoreSQL.recordDirectorySync, [
                .date(record.at), .text(record.outcome.rawValue), .int(record.checked), .int(record.deactivated),
                .int(record.reactivated), .int(record.adminChanges), .optionalText(record.errorClass),
            ])
        }
    }

    public func lastDirectorySync() throws -> DirectorySyncRecord? {
        try read { db in
            guard let row = try db.row(StoreSQL.lastDirectorySync, []) else { return nil }
            let outcome = try row.string(1)
            return DirectorySyncRecord(
                at: try row.date(0), outcome: DirectorySyncRecord.Outcome(rawValue: outcome) ?? .failed,
                checked: try row.int(2), deactivated: try row.int(3), reactivated: try row.int(4),
                adminChanges: try row.int(5), errorClass: try row.optionalString(6))
        }
    }
}
