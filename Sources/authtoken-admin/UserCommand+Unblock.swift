import ArgumentParser
import AuthTokenCore

extension UserCommand {
    /// Lifts a block early (someone locked themselves out, or a shared office address got
    /// blocked by one script): the account's counter, an address's counter, or both.
    struct Unblock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Clear the failed sign-in count and any block of an account and/or a client address.")
        @Argument(help: "The account's e-mail address.") var email: String?
        @Option(help: "A client address to unblock as well (as nginx sees it, e.g. 192.0.2.7).") var address: String?

        func validate() throws {
            guard email != nil || address != nil else { throw ValidationError("Give an e-mail address, --address, or both.") }
        }

        func run() async throws {
            let context = try await AdminContext.open()
            if let email {
                do {
                    let account = try context.auth.accounts.existingAccount(email: email)
                    let changed = try context.auth.throttle.unblock(accountID: account.id)
                    try context.logAdmin(account.id, "unblocked")
                    print("\(account.email): \(changed ? "unblocked" : "had no failed sign-ins")")
                } catch AccountError.noSuchUser {
                    // No account yet: a directory person's first sign-ins are counted by address.
                    guard try context.auth.throttle.unblock(directoryAddress: email) else { throw AccountError.noSuchUser }
                    print("\(email): unblocked (directory sign-in attempts of an address with no account yet)")
                }
            }
            if let address {
                let changed = try context.auth.throttle.unblock(address: address)
                print("\(address): \(changed ? "unblocked" : "had no failed sign-ins")")
            }
        }
    }
}
