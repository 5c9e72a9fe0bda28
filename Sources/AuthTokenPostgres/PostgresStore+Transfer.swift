import AuthTokenStore

/// The PostgreSQL side of `authtoken-admin migrate`: one transaction that locks every table
/// (a second migrate, or a server already pointed here, waits), checks they are empty,
/// inserts the source's rows with their own ids (`OVERRIDING SYSTEM VALUE`), moves each id
/// generator past the largest id the source ever issued, and compares the counts before it commits.
extension PostgresStore: TransferTarget {
    public func importRows(
        _ fill: (_ insert: (TransferTable, [TransferValue]) throws -> Void) throws -> TransferSummary
    ) throws -> [String: Int] {
        try transaction { connection in
            let names = TransferTable.all.map(\.name)
            try connection.execute("LOCK TABLE \(names.joined(separator: ", ")) IN ACCESS EXCLUSIVE MODE")
            for name in names {
                let rows = try Self.count(name, connection)
                if rows > 0 { throw TransferError.targetNotEmpty(table: name, rows: rows) }
            }
            let source = try fill { table, values in
                try connection.executePrepared(Self.insertSQL(table), values.map(Self.parameter))
            }
            var counts: [String: Int] = [:]
            for table in TransferTable.all {
                if table.generatedID {
                    try Self.continueIDs(table.name, after: source.lastIDs[table.name] ?? 0, connection)
                }
                let stored = try Self.count(table.name, connection)
                let sent = source.copyable[table.name] ?? 0
                guard stored == sent else {
                    throw TransferError.countMismatch(table: table.name, sent: sent, stored: stored)
                }
                counts[table.name] = stored
            }
            return counts
        }
    }

    static func insertSQL(_ table: TransferTable) -> String {
        let placeholders = (1...table.columns.count).map { "$\($0)" }.joined(separator: ", ")
        let overriding = table.generatedID ? " OVERRIDING SYSTEM VALUE" : ""
        return "INSERT INTO \(table.name) (\(table.columns.joined(separator: ", ")))\(overriding) VALUES (\(placeholders))"
    }

    /// Flags arrive as SQLite's 0 and 1, which `boolean` accepts as text input.
    static func parameter(_ value: TransferValue) -> (any PostgresParameter)? {
        switch value {
        case .null: nil
        case .integer(let integer): integer
        case .text(let text): text
        case .bytes(let bytes): bytes
        }
    }

    static func count(_ table: String, _ connection: PostgresConnection) throws -> Int {
        Int(try connection.execute("SELECT count(*) FROM \(table)")[0].int64(0))
    }

    /// The next generated id is one past the largest the source issued or the copy holds.
    static func continueIDs(_ table: String, after lastID: Int64, _ connection: PostgresConnection) throws {
        try connection.execute("""
            SELECT setval(pg_get_serial_sequence('\(table)', 'id'),
                          GREATEST($1::int8, COALESCE((SELECT max(id) FROM \(table)), 0)) + 1, false)
            """, [lastID])
    }
}
