import AuthTokenStore
import Foundation

/// What the directory said of an address and password.
enum DirectoryVerdict: Sendable {
    case unknown, ambiguous, refused
    case passed(DirectoryPerson)
}

extension DirectoryService {
    /// The first factor for an address the directory decides (`decides`): search, then
    /// bind as the person with the typed password, through the throttle (counted before the
    /// bind) and on the password queue (a full queue, or a directory that does not answer,
    /// is `PasswordWorkBusy`). The password is neither stored, hashed nor logged. The first
    /// sign-in of a person who may use authtoken provisions a directory account; a local
    /// account with the same address is never taken over (an administrator links it).
    func signIn(
        _ address: EmailAddress, found: Account?, password: String, client: Client, channel: String
    ) throws -> Result<FirstFactor, FirstFactorRefusal> {
        // An empty password is an unauthenticated bind, which many servers accept.
        guard !password.isEmpty else {
            try log(.signInFailed, accountID: found?.id, client: client, detail: "\(channel): directory: empty password")
            return .failure(found == nil ? .noSuchUser : .wrongPassword)
        }
        var verdict = DirectoryVerdict.unknown
        let outcome = try throttle.attempt(
            accountID: found?.id, client: client, subject: found == nil ? Throttle.directoryKey(address) : nil
        ) {
            verdict = try verify(address.value, password)
            if case .passed = verdict { return true }
            return false
        }
        switch outcome {
        case .blocked:
            return .failure(.blocked)
        case .failed:
            let reason = switch verdict {
            case .unknown: "no such user"
            case .ambiguous: "several entries match"
            case .refused, .passed: "wrong password"
            }
            try log(.signInFailed, accountID: found?.id, client: client, detail: "\(channel): directory: \(reason)")
            if case .refused = verdict { return .failure(.wrongPassword) }
            return .failure(found == nil ? .noSuchUser : .wrongPassword)
        case .passed:
            break
        }
        guard case .passed(let person) = verdict else { return .failure(.wrongPassword) }
        return try admit(person, typed: address, found: found, client: client, channel: channel)
    }

    /// The first factor as the sign-in form checks it, for the directory's tests: `signed in`
    /// with the account's address, or the refusal's name.
    @_spi(Testing) public func firstFactor(email: String, password: String, client: Client) throws -> String {
        switch try checkFirstFactor(email: email, password: password, client: client, channel: "test", acceptAppPasswords: false) {
        case .success(let factor): "signed in \(factor.account.email)"
        case .failure(let refusal): "\(refusal)"
        }
    }

    /// Search and bind on a password-queue thread; a directory that does not answer is busy.
    private func verify(_ email: String, _ password: String) throws -> DirectoryVerdict {
        guard let (directory, _) = configured else { return .unknown }
        let result = try hasher.queue.run { () -> Result<DirectoryVerdict, any Error> in
            Result {
                switch try lookUp(email) {
                case .none: return .unknown
                case .ambiguous: return .ambiguous
                case .one(let person):
                    return try directory.bind(dn: person.dn, password: password) ? .passed(person) : .refused
                }
            }
        }
        do {
            return try result.get()
        } catch is DirectoryUnavailable {
            throw PasswordWorkBusy(.directoryDidNotAnswer)
        }
    }

    /// After the directory accepted the password: the entry's state, then the account.
    private func admit(
        _ person: DirectoryPerson, typed: EmailAddress, found: Account?, client: Client, channel: String
    ) throws -> Result<FirstFactor, FirstFactorRefusal> {
        func refuse(_ reason: String, _ refusal: FirstFactorRefusal) throws -> Result<FirstFactor, FirstFactorRefusal> {
            try log(.signInFailed, accountID: found?.id, client: client, detail: "\(channel): directory: \(reason)")
            return .failure(refusal)
        }
        guard !person.disabled else { return try refuse("disabled in the directory", .notActive) }
        guard person.inRequiredGroup else { return try refuse("not in the required group", .notActive) }
        // The account is keyed by the directory's address, which must be the one typed.
        guard let mail = person.email, Account.key(forEmail: mail.value) == Account.key(forEmail: typed.value) else {
            return try refuse("the entry's mail is not the address typed", .noSuchUser)
        }
        if let account = found {
            guard account.origin == .directory else {
                return try refuse("a local account has this address (authtoken-admin directory link)", .notActive)
            }
            guard account.active else { return try refuse("deactivated", .notActive) }
            var current = account
            if groupDecidesAdmin(account), account.admin != person.admin {
                try store.setAdmin(accountID: account.id, person.admin)
                current.admin = person.admin
                try log(.admin, accountID: account.id, client: client,
                        detail: person.admin ? "directory: administrators' group: admin granted" : "directory: admin taken back")
            }
            return .success(FirstFactor(account: current, appPassword: nil))
        }
        return .success(FirstFactor(account: try provision(person, mail, client: client), appPassword: nil))
    }

    /// The directory account of a person's first sign-in: confirmed, no local password.
    private func provision(_ person: DirectoryPerson, _ mail: EmailAddress, client: Client) throws -> Account {
        let name = (try? Self.displayName(String(person.name.prefix(100)), email: mail))
            ?? String(mail.value.prefix { $0 != "@" })
        var account: Account
        do {
            account = try store.createAccount(NewAccount(
                email: mail.value, displayName: name, passwordHash: Account.noPassword, confirmed: true,
                createdAt: now(), origin: .directory))
        } catch StoreError.duplicateEmail {
            // A parallel first sign-in made it: use that one only if it is a directory account.
            guard let made = try store.account(email: mail.value), made.origin == .directory else {
                throw StoreError.duplicateEmail
            }
            return made
        }
        try log(.admin, accountID: account.id, client: client, detail: "directory: account made at first sign-in")
        if person.admin, groupDecidesAdmin(account) {
            try store.setAdmin(accountID: account.id, true)
            account.admin = true
        }
        return account
    }
}
