import ArgumentParser

/// The last step of a key rotation: every two-factor secret sealed with the previous key is
/// sealed with the new one, so `AUTHTOKEN_SECRET_KEY_PREVIOUS` can go (docs/configuration.md, "Key rotation").
struct RotateSecretsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-secrets",
        abstract: "Seal every two-factor secret with AUTHTOKEN_SECRET_KEY (those of AUTHTOKEN_SECRET_KEY_PREVIOUS).")

    func run() async throws {
        let (resealed, unreadable) = try await AdminContext.open().auth.twoFactor.resealTwoFactorSecrets()
        print("sealed again with the current key: \(resealed) two-factor secrets")
        if !unreadable.isEmpty {
            print("opened by neither key (reset-2fa these accounts): \(unreadable.map(String.init).joined(separator: ", "))")
        }
    }
}
