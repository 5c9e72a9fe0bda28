/// Moving an installation from one backend to another (`authtoken-admin migrate`): every
/// table of the schema, row for row, with ids and digests as they are, so that every token,
/// session and application password issued before keeps working after.
///
/// The copy works on tables, not through `AuthStore`, on purpose: the protocol never hands
/// out digests or sealed secrets, and it should not grow methods for one administrative
/// act. Both backends store the same tables and columns (their migrations say so, and
/// `StoreTransferTests` checks every column of both schemas against this list).
public enum TransferValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case text(String)
    case bytes([UInt8])
}

public struct TransferTable: Sendable, Equatable {
    public let name: String
    public let columns: [String]
    /// The first column is an id the database generates; the copy keeps the source's ids,
    /// and the target's generator goes on after the largest.
    public let generatedID: Bool

    public init(_ name: String, _ columns: [String], generatedID: Bool = false) {
        self.name = name
        self.columns = columns
        self.generatedID = generatedID
    }

    /// Every table, accounts first: a row is copied after the account it belongs to.
    public static let all: [TransferTable] = [
        TransferTable("account", ["id", "email", "email_key", "display_name", "password_hash",
                                  "confirmed", "active", "created_at", "admin", "origin"], generatedID: true),
        TransferTable("token", ["id", "account_id", "digest", "hint", "scopes", "display_name",
                                "created_at", "last_used_at", "last_used_from", "app_password_id",
                                "expires_at", "lifetime", "rotated_at", "rotated_from", "reminded_days"],
                      generatedID: true),
        TransferTable("retired_token", ["digest", "token_id", "hint", "retired_at", "works_until"]),
        TransferTable("app_password", ["id", "account_id", "name", "password_hash", "lookup_digest",
                                       "created_at", "last_used_at"], generatedID: true),
        TransferTable("two_factor", ["account_id", "sealed_secret", "enabled", "last_step"]),
        TransferTable("recovery_code", ["account_id", "digest"]),
        TransferTable("passkey", ["id", "account_id", "credential_id", "public_key", "sign_count", "name",
                                  "created_at", "last_used_at"], generatedID: true),
        TransferTable("passkey_challenge", ["digest", "account_id", "purpose", "expires_at"]),
        TransferTable("web_session", ["digest", "account_id", "created_at", "last_seen_at", "address", "user_agent",
                                       "second_factor"]),
        TransferTable("confirmation", ["digest", "account_id", "expires_at", "password_hash", "display_name"]),
        TransferTable("pending_sign_in", ["digest", "account_id", "expires_at"]),
        TransferTable("password_reset", ["digest", "account_id", "expires_at"]),
        TransferTable("throttle", ["key", "attempts", "failures", "window_start", "blocked_until"]),
        TransferTable("activity", ["id", "at", "account_id", "kind", "address", "user_agent", "detail"],
                      generatedID: true),
        TransferTable("directory_sync", ["id", "at", "outcome", "checked", "deactivated", "reactivated",
                                         "admin_changes", "error_class"]),
        TransferTable("token_daily_use", ["token_id", "day", "uses"]),
        TransferTable("check_daily", ["day", "outcome", "checks"]),
    ]
}

/// What a source backend offers: all its rows from one consistent snapshot.
public protocol TransferSource {
    /// Calls `row` for every row that can be copied, table by table in `TransferTable.all`
    /// order, all read in one transaction, and counts in that same transaction (with
    /// `count(*)`, not by counting calls) the rows each table holds.
    func exportRows(_ row: (TransferTable, [TransferValue]) throws -> Void) throws -> TransferSummary
}

public struct TransferSummary: Sendable, Equatable {
    /// Per table: the rows the source holds that can be copied.
    public var copyable: [String: Int]
    /// Per table: the rows the source holds but left out, because the target could not use
    /// them (the backend documents which).
    public var leftOut: [String: Int]
    /// Per table with a generated id: the largest id the source ever issued, deleted rows
    /// included, so that the target never issues an id again (a token's id names it in
    /// activity entries written before the move).
    public var lastIDs: [String: Int64]

    public init(copyable: [String: Int], leftOut: [String: Int], lastIDs: [String: Int64]) {
        self.copyable = copyable
        self.leftOut = leftOut
        self.lastIDs = lastIDs
    }
}

/// What a target backend offers: loading into an empty database, all or nothing.
public protocol TransferTarget {
    /// Runs `fill` with a function that inserts one row, inside one transaction that first
    /// checks every table is empty (else `TransferError.targetNotEmpty`, nothing written).
    /// `fill` returns the source's summary; every table's count in the target must equal
    /// its `copyable` count, or everything rolls back (`TransferError.countMismatch`), and
    /// generated ids go on after `lastIDs`. Returns the target's counts.
    func importRows(
        _ fill: (_ insert: (TransferTable, [TransferValue]) throws -> Void) throws -> TransferSummary
    ) throws -> [String: Int]
}

public enum TransferError: Error, Equatable, CustomStringConvertible {
    case targetNotEmpty(table: String, rows: Int)
    case countMismatch(table: String, sent: Int, stored: Int)
    case unexpectedValue(table: String, column: String)

    public var description: String {
        switch self {
        case .targetNotEmpty(let table, let rows):
            "the target database is not empty (\(table) has \(rows) rows); migrate only into a new database"
        case .countMismatch(let table, let sent, let stored):
            "\(table): \(sent) rows sent but \(stored) stored; nothing was kept"
        case .unexpectedValue(let table, let column):
            "\(table).\(column) holds a value of a type the schema does not use; nothing was copied"
        }
    }
}
