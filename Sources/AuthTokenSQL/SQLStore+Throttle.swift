import AuthTokenStore
import Foundation

extension StoreSQL {
    static let refundAttempt = SQLStatement("UPDATE throttle SET attempts = attempts - 1 WHERE key = ? AND attempts > 0")
    static let recordFailure = SQLStatement("UPDATE throttle SET failures = failures + 1 WHERE key = ? RETURNING failures")
    static let blockedUntil = SQLStatement("SELECT blocked_until FROM throttle WHERE key = ?")
    static let clearFailures = SQLStatement("DELETE FROM throttle WHERE key = ?")
}

/// Attempt counters; the two upserts (`countAttempt`, `startBlock`) are each backend's own.
extension SQLStore {
    public func refundAttempt(key: String) throws {
        try write { db in try db.run(StoreSQL.refundAttempt, [.text(key)]) }
    }

    /// One `UPDATE … RETURNING`: parallel failures get distinct counts; 0 for a key with
    /// no counter (its attempt was never counted).
    public func recordFailure(key: String, now: Date) throws -> Int {
        Int(try write { db in try db.integer(StoreSQL.recordFailure, [.text(key)]) })
    }

    public func blockedUntil(key: String, now: Date) throws -> Date? {
        let until = try read { db in try db.row(StoreSQL.blockedUntil, [.text(key)])?.optionalInt64(0) }
        return Self.blockEnd(until, after: SQLValue.seconds(now))
    }

    @discardableResult
    public func clearFailures(key: String) throws -> Bool {
        try write { db in try db.changesRow(StoreSQL.clearFailures, [.text(key)]) }
    }

    /// The end of a block stored as `until`, if it is still in force at `time`.
    public static func blockEnd(_ until: Int64?, after time: Int64) -> Date? {
        guard let until, until > time else { return nil }
        return Date(timeIntervalSince1970: Double(until))
    }
}
