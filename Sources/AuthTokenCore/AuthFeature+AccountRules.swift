import AuthTokenStore

/// The address, password and name rules every service applies.
extension AuthFeature {
    static func address(_ email: String) throws(AccountError) -> EmailAddress {
        do { return try EmailAddress(parsing: email) } catch { throw .invalidEmail(error) }
    }

    /// The rules every new password meets, wherever it is set.
    static func checkNewPassword(_ password: String) throws(AccountError) {
        guard password.utf8.count <= 1024 else { throw .passwordTooLong }  // bytes first: counting characters is work
        guard password.count >= 8 else { throw .weakPassword }
    }

    /// The name shown for the account: the one given, else the address's local part.
    static func displayName(_ given: String?, email: EmailAddress) throws(AccountError) -> String {
        let name = (given ?? "").trimmingSpaces()
        guard NameRule.allows(name) else { throw .invalidDisplayName }
        return name.isEmpty ? String(email.value.prefix { $0 != "@" }) : name
    }
}
