import AuthTokenStore
import Foundation

// Each record type decoded once, for both backends, from the columns its statement lists.

extension Account {
    /// `StoreSQL.accountColumns`, starting at column `offset`.
    public init(row: some SQLRowReading, offset: Int = 0) throws {
        self.init(
            id: try row.int64(offset), email: try row.string(offset + 1), displayName: try row.string(offset + 2),
            passwordHash: try row.string(offset + 3), confirmed: try row.bool(offset + 4),
            active: try row.bool(offset + 5), createdAt: try row.date(offset + 6), admin: try row.bool(offset + 7),
            origin: AccountOrigin(rawValue: try row.string(offset + 8)) ?? .local)
    }
}

extension TokenRecord {
    /// `StoreSQL.tokenColumns`.
    public init(row: some SQLRowReading) throws {
        self.init(
            id: try row.int64(0), accountID: try row.int64(1), digest: try row.string(2), hint: try row.string(3),
            scopes: try row.list(4), displayName: try row.string(5), createdAt: try row.date(6),
            lastUsedAt: try row.optionalDate(7), lastUsedFrom: try row.optionalString(8),
            appPasswordID: try row.optionalInt64(9), expiresAt: try row.optionalDate(10),
            lifetime: try row.optionalInt64(11), rotatedAt: try row.optionalDate(12),
            rotatedFrom: try row.optionalString(13))
    }
}

extension TokenGrant {
    /// `StoreSQL.grant` (or `retiredGrant`, with `retired`: its works-until column too).
    /// Inlinable, so each backend's hot path gets it specialized for its own row type.
    @inlinable
    public init<Row: SQLRowReading>(row: Row, retired: Bool) throws {
        self.init(
            tokenID: try row.int64(0), accountID: try row.int64(1), email: try row.string(2),
            accountActive: try row.bool(3), scopes: try row.list(4), expiresAt: try row.optionalInt64(5),
            retiredUntil: retired ? try row.int64(6) : nil)
    }
}

extension InventoryToken {
    /// `AdminSQL.inventoryColumns`.
    public init(row: some SQLRowReading) throws {
        self.init(
            token: try TokenRecord(row: row), ownerEmail: try row.string(AdminSQL.inventoryEmailColumn),
            appPasswordName: try row.optionalString(AdminSQL.inventoryAppPasswordColumn))
    }
}

extension AppPasswordRecord {
    /// `StoreSQL.appPasswordColumns`.
    public init(row: some SQLRowReading) throws {
        self.init(
            id: try row.int64(0), accountID: try row.int64(1), name: try row.string(2),
            passwordHash: try row.string(3), createdAt: try row.date(4), lastUsedAt: try row.optionalDate(5))
    }
}

extension ActivityRecord {
    /// `StoreSQL.activityColumns`; nil for a kind written by a newer version, which is
    /// skipped rather than mislabelled.
    public init?(row: some SQLRowReading) throws {
        guard let kind = ActivityKind(rawValue: try row.string(3)) else { return nil }
        self.init(id: try row.int64(0), entry: NewActivity(
            at: try row.date(1), accountID: try row.optionalInt64(2), kind: kind,
            address: try row.string(4), userAgent: try row.string(5), detail: try row.string(6)))
    }
}
