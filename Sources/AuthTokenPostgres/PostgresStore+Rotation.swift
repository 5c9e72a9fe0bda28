import AuthTokenStore
import Foundation

extension PostgresStore {
    /// One transaction: the UPDATE matches only while the old digest is still current, so
    /// of two concurrent rotations of one value exactly one wins.
    public func rotateToken(_ rotation: TokenRotation) throws -> TokenRecord? {
        let at = Self.seconds(rotation.at)
        return try transaction { connection -> TokenRecord? in
            guard let row = try connection.executePrepared(
                """
                UPDATE token SET digest = $1, hint = $2, expires_at = $3, rotated_at = $4, rotated_from = $5, reminded_days = NULL
                WHERE id = $6 AND digest = $7 RETURNING \(Self.tokenColumns)
                """,
                [rotation.newDigest, rotation.newHint, rotation.expiresAt.map(Self.seconds), at, rotation.oldHint,
                 rotation.tokenID, rotation.oldDigest]
            ).first else { return nil }
            _ = try connection.executePrepared(
                "INSERT INTO retired_token (digest, token_id, hint, retired_at, works_until) VALUES ($1, $2, $3, $4, $5)",
                [rotation.oldDigest, rotation.tokenID, rotation.oldHint, at, Self.seconds(rotation.worksUntil)])
            return try Self.token(from: row)
        }
    }
}
