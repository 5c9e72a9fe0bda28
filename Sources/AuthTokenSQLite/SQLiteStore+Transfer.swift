import AuthTokenStore
import GRDB

/// The SQLite side of `authtoken-admin migrate`: every table read in one read transaction,
/// so the copy is one consistent moment even while a server writes (stop it first anyway:
/// what it writes after that moment is not copied).
///
/// Left out: application passwords made before look-up digests existed
/// (`2026-11-29-guard-app-password-lookup`); they can no longer be used, and PostgreSQL's
/// schema requires the digest.
extension SQLiteStore: TransferSource {
    public func exportRows(_ row: (TransferTable, [TransferValue]) throws -> Void) throws -> TransferSummary {
        try pool.read { db in
            var counts = TransferSummary(copyable: [:], leftOut: [:], lastIDs: [:])
            for table in TransferTable.all {
                let condition = table.name == "app_password" ? " WHERE lookup_digest IS NOT NULL" : ""
                let all = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.name)") ?? 0
                let copyable = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.name)\(condition)") ?? 0
                counts.copyable[table.name] = copyable
                if all > copyable { counts.leftOut[table.name] = all - copyable }
                if table.generatedID {
                    // AUTOINCREMENT keeps the largest id ever issued in sqlite_sequence.
                    counts.lastIDs[table.name] = try Int64.fetchOne(
                        db, sql: "SELECT seq FROM sqlite_sequence WHERE name = ?", arguments: [table.name]) ?? 0
                }
                let columns = table.columns.joined(separator: ", ")
                let rows = try Row.fetchCursor(db, sql: "SELECT \(columns) FROM \(table.name)\(condition) ORDER BY rowid")
                while let values = try rows.next() {
                    try row(table, try zip(table.columns, values.databaseValues).map { column, value in
                        guard let value = Self.transferValue(value) else {
                            throw TransferError.unexpectedValue(table: table.name, column: column)
                        }
                        return value
                    })
                }
            }
            return counts
        }
    }

    /// No column of the schema holds a real; SQLite would store one only if written by hand.
    static func transferValue(_ value: DatabaseValue) -> TransferValue? {
        switch value.storage {
        case .null: .null
        case .int64(let integer): .integer(integer)
        case .double: nil
        case .string(let text): .text(text)
        case .blob(let data): .bytes(Array(data))
        }
    }
}
