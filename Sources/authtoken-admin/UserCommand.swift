import ArgumentParser
import AuthTokenCore

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Create, confirm, deactivate and list accounts.",
        subcommands: [
            Add.self, Confirm.self, Deactivate.self, Activate.self, List.self, ResetTwoFactor.self, Unblock.self,
            Activity.self, SetPassword.self, CheckEmails.self, GrantAdmin.self, RevokeAdmin.self,
        ])

    /// What the server does at start, with the report on standard output.
    struct CheckEmails: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-emails",
            abstract: "Bring stored addresses to their parsed form; report collisions and refused addresses.")
        func run() async throws {
            let report = try await AdminContext.open().auth.accounts.checkStoredEmails()
            for (id, old, new) in report.rewritten { print("rewritten\t\(id)\t\(old)\t\(new)") }
            for (id, other) in report.collisions { print("collision\t\(id)\tsame address as account \(other); left as it was") }
            for (id, email, reason) in report.refused { print("refused\t\(id)\t\(email)\t\(reason)") }
            if report.rewritten.isEmpty && report.collisions.isEmpty && report.refused.isEmpty {
                print("every address is in its parsed form")
            }
        }
    }

    /// A forgotten password with no working mail, or an account whose address the current
    /// rules refuse: the admin sets a new one. Every session of the account ends.
    struct SetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-password",
            abstract: "Set an account's password (read from standard input); every session of it ends.")
        @Argument(help: "The account's e-mail address.") var email: String
        func run() async throws {
            let context = try await AdminContext.open()
            let account = try context.auth.accounts.existingAccount(email: email)
            let password = try PasswordInput.read(prompt: "New password for \(account.email): ")
            try context.auth.accounts.setPassword(accountID: account.id, new: password, client: AdminContext.client)
            print("\(account.email): password set; every session ended")
        }
    }

    /// For a lost phone: two-factor off and recovery codes gone; application passwords stay
    /// (they are not on the phone's authenticator, and the person can revoke them).
    struct ResetTwoFactor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-2fa",
            abstract: "Turn two-factor sign-in off and delete the recovery codes (application passwords stay).")
        @Argument(help: "The account's e-mail address.") var email: String
        func run() async throws {
            let context = try await AdminContext.open()
            let account = try context.auth.accounts.existingAccount(email: email)
            let changed = try context.auth.twoFactor.resetTwoFactor(accountID: account.id)
            try context.logAdmin(account.id, "two-factor sign-in reset")
            print("\(account.email): \(changed ? "two-factor sign-in turned off" : "two-factor sign-in was not on")")
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account. The password is read from standard input.")
        @Argument(help: "The account's e-mail address.") var email: String
        @Option(help: "The display name (default: the part before @).") var name: String?
        @Flag(help: "Create the account already confirmed.") var confirmed = false

        func run() async throws {
            let context = try await AdminContext.open()
            let password = try PasswordInput.read(prompt: "Password for \(email): ")
            let account = try context.auth.accounts.addAccount(
                email: email, displayName: name, password: password, confirmed: confirmed)
            print("created account \(account.id) \(account.email) (\(account.confirmed ? "confirmed" : "unconfirmed"))")
        }
    }

    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark an account's registration as confirmed.",
            discussion: """
                A registration still waiting for its link has no password (each registration's \
                password waits with its own link): it is confirmed without one, and its owner \
                resets one ("Forgot your password?"), or set one with user set-password.
                """)
        @Argument(help: "The account's e-mail address.") var email: String
        func run() async throws { try await setFlag(email, "confirmed") { try $0.accounts.setConfirmed(accountID: $1, true) } }
    }

    struct Deactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deactivate an account: it can no longer sign in.")
        @Argument(help: "The account's e-mail address.") var email: String
        func run() async throws { try await setFlag(email, "deactivated") { try $0.accounts.setActive(accountID: $1, false) } }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Activate a deactivated account again.")
        @Argument(help: "The account's e-mail address.") var email: String
        func run() async throws { try await setFlag(email, "activated") { try $0.accounts.setActive(accountID: $1, true) } }
    }

    struct GrantAdmin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "grant-admin",
            abstract: "Let an account use the administrators' pages (once it has two-factor sign-in on).")
        @Argument(help: "The account's e-mail address.") var email: String
        func run() async throws {
            try await setFlag(email, "made an administrator") { try $0.accounts.setAdmin(accountID: $1, true) }
        }
    }

    struct RevokeAdmin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke-admin", abstract: "Take the administrators' pages away from an account.")
        @Argument(help: "The account's e-mail address.") var email: String
        func run() async throws {
            try await setFlag(email, "no longer an administrator") { try $0.accounts.setAdmin(accountID: $1, false) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List all accounts.")
        func run() async throws {
            let context = try await AdminContext.open()
            print(["ID", "E-MAIL", "NAME", "CONFIRMED", "ACTIVE", "CREATED", "ADMIN"].joined(separator: "\t"))
            for account in try context.auth.accounts.list() {
                print([
                    "\(account.id)", account.email, account.displayName, account.confirmed ? "yes" : "no",
                    account.active ? "yes" : "no", isoDate(account.createdAt), account.admin ? "yes" : "no",
                ].joined(separator: "\t"))
            }
        }
    }
}

/// Looks the account up, applies `change`, and reports it.
private func setFlag(_ email: String, _ done: String, _ change: (AuthService, Int64) throws -> Bool) async throws {
    let context = try await AdminContext.open()
    let account = try context.auth.accounts.existingAccount(email: email)
    _ = try change(context.auth, account.id)
    try context.logAdmin(account.id, done)
    print("\(account.email): \(done)")
}
