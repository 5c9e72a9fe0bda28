import ArgumentParser
import AuthTokenCore

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "List and revoke an account's tokens.",
        subcommands: [List.self, Revoke.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an account's tokens (never the secrets).")
        @Argument(help: "The account's e-mail address.") var email: String

        func run() async throws {
            let context = try await AdminContext.open()
            let account = try context.auth.accounts.existingAccount(email: email)
            print(["ID", "HINT", "SCOPES", "NAME", "CREATED", "EXPIRES", "LAST-USED", "FROM"].joined(separator: "\t"))
            for token in try context.auth.tokens.list(accountID: account.id) {
                print([
                    "\(token.id)", token.hint, token.scopes.joined(separator: ","), token.displayName,
                    isoDate(token.createdAt), token.expiresAt.map(isoDate) ?? "never", token.lastUsedAt.map(isoDate) ?? "-", token.lastUsedFrom ?? "-",
                ].joined(separator: "\t"))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete one of an account's tokens, permanently.")
        @Argument(help: "The account's e-mail address.") var email: String
        @Argument(help: "The token's id, from `token list`.") var id: Int64

        func run() async throws {
            let context = try await AdminContext.open()
            let account = try context.auth.accounts.existingAccount(email: email)
            guard try context.auth.tokens.removeToken(
                id: id, accountID: account.id, client: AdminContext.client, via: "by an administrator")
            else { throw AdminError("\(account.email) has no token with id \(id)") }
            print("revoked token \(id) of \(account.email)")
        }
    }
}
