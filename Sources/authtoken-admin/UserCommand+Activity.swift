import ArgumentParser
import AuthTokenCore

extension UserCommand {
    /// The account's activity log, newest first, one tab-separated line per entry.
    struct Activity: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an account's recent activity, newest first.")
        @Argument(help: "The account's e-mail address.") var email: String
        @Option(help: "How many entries (default 50).") var limit = 50

        func validate() throws {
            guard limit >= 1 else { throw ValidationError("--limit must be at least 1.") }
        }

        func run() async throws {
            let context = try await AdminContext.open()
            let account = try context.auth.accounts.existingAccount(email: email)
            print(["TIME", "KIND", "ADDRESS", "DETAIL", "USER-AGENT"].joined(separator: "\t"))
            for record in try context.auth.activity.list(accountID: account.id, limit: limit) {
                let entry = record.entry
                print([isoDate(entry.at), entry.kind.rawValue, entry.address, entry.detail, entry.userAgent]
                    .joined(separator: "\t"))
            }
        }
    }
}
