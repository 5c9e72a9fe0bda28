/// An account's TOTP set-up as the store keeps it. The secret is sealed (AES-GCM) by the
/// core before it gets here, so a copy of the database alone cannot produce codes.
public struct TwoFactorRecord: Sendable, Equatable {
    public var accountID: Int64
    /// AES-GCM combined form (nonce, ciphertext, tag) of the raw TOTP secret.
    public var sealedSecret: [UInt8]
    /// False while the person has seen the secret but not yet confirmed a code.
    public var enabled: Bool
    /// The last time step a code was accepted for; a code of this step or earlier is a replay.
    public var lastStep: Int64?

    public init(accountID: Int64, sealedSecret: [UInt8], enabled: Bool, lastStep: Int64?) {
        self.accountID = accountID
        self.sealedSecret = sealedSecret
        self.enabled = enabled
        self.lastStep = lastStep
    }
}
