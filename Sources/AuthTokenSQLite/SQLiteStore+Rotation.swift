import AuthTokenStore
import Foundation
import GRDB

extension SQLiteStore {
    public func rotateToken(_ rotation: TokenRotation) throws -> TokenRecord? {
        try writeImmediately { db in
            let at = Self.seconds(rotation.at)
            try db.execute(
                sql: """
                    UPDATE token SET digest = ?, hint = ?, expires_at = ?, rotated_at = ?, rotated_from = ?, reminded_days = NULL
                    WHERE id = ? AND digest = ?
                    """,
                arguments: [
                    rotation.newDigest, rotation.newHint, rotation.expiresAt.map(Self.seconds), at, rotation.oldHint,
                    rotation.tokenID, rotation.oldDigest,
                ])
            guard db.changesCount > 0 else { return nil }
            try db.execute(
                sql: "INSERT INTO retired_token (digest, token_id, hint, retired_at, works_until) VALUES (?, ?, ?, ?, ?)",
                arguments: [rotation.oldDigest, rotation.tokenID, rotation.oldHint, at, Self.seconds(rotation.worksUntil)])
            return try Row.fetchOne(
                db, sql: "SELECT \(Self.tokenColumns) FROM token WHERE id = ?", arguments: [rotation.tokenID]
            ).map(Self.token(from:))
        }
    }
}
