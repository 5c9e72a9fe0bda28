import AuthTokenStore
import Foundation

/// What an administrator may do to an account from the administrators' pages.
public enum AdminAction: String, Sendable, CaseIterable {
    case confirm, deactivate, activate
    case resetTwoFactor = "reset-two-factor"
    case unblock
    case endSessions = "end-sessions"

    /// Asked about first on a page of its own: it takes something away from the person.
    public var isDestructive: Bool {
        switch self {
        case .deactivate, .resetTwoFactor, .endSessions: true
        case .confirm, .activate, .unblock: false
        }
    }

    /// Words for the button, the confirmation and both activity trails.
    public var label: String {
        switch self {
        case .confirm: "confirmed the registration"
        case .deactivate: "deactivated the account"
        case .activate: "activated the account"
        case .resetTwoFactor: "reset two-factor sign-in"
        case .unblock: "lifted the block"
        case .endSessions: "ended every session"
        }
    }
}

/// One account as the administrators' account page shows it. Nothing secret: tokens and
/// application passwords by name and hint, sessions by place and time.
public struct AdminAccountView: Sendable {
    public let account: Account
    public let twoFactor: Bool
    public let blockedUntil: Date?
    public let tokens: [TokenRecord]
    public let appPasswords: [AppPasswordRecord]
    public let sessions: [SessionSummary]
    public let activity: [ActivityRecord]
}

/// What the administrators' pages ask of a session before they open.
public enum AdminGate: Sendable, Equatable {
    case open
    /// The account has two-factor sign-in off: the pages only say to turn it on.
    case twoFactorOff
    /// Two-factor is on, but this session's sign-in took no code: sign in again.
    case signInWithCode
}

/// The administrators' pages: lists across every account and acts on one, each act written
/// to the target's activity and to the administrator's own (the audit trail).
extension AuthService {
    /// Rows per page on every administrators' list.
    public static let adminPageSize = 50

    /// Whether an administrator's session may use the administrators' pages: only with
    /// two-factor on for the account and a code taken by the sign-in that opened this
    /// session (a session from before two-factor was turned on, or a copied cookie of one,
    /// does not get in).
    public func adminGate(_ session: WebSession) throws -> AdminGate {
        guard try hasTwoFactor(accountID: session.account.id) else { return .twoFactorOff }
        return session.secondFactor ? .open : .signInWithCode
    }

    public func accountList(_ filter: AccountFilter, page: Int) throws -> (rows: [AccountListing], total: Int) {
        (try store.accountList(filter, limit: Self.adminPageSize, offset: Self.offset(page)),
         try store.accountCount(filter))
    }

    public func adminAccount(id: Int64) throws -> AdminAccountView? {
        guard let account = try store.account(id: id) else { return nil }
        return AdminAccountView(
            account: account, twoFactor: try hasTwoFactor(accountID: id),
            blockedUntil: try [Self.accountKey(id), Self.appPasswordsKey(id)]
                .compactMap { try store.blockedUntil(key: $0, now: now()) }.max(),
            tokens: try store.tokens(accountID: id), appPasswords: try store.appPasswords(accountID: id),
            sessions: try store.sessions(accountID: id), activity: try store.activity(accountID: id, limit: 50))
    }

    /// Does `action` to the account; false when there is no such account (nothing written).
    public func perform(_ action: AdminAction, accountID: Int64, admin: Account, client: Client) throws -> Bool {
        guard let target = try store.account(id: accountID) else { return false }
        switch action {
        case .confirm: try store.setConfirmed(accountID: accountID, true)
        case .deactivate: try store.setActive(accountID: accountID, false)
        case .activate: try store.setActive(accountID: accountID, true)
        case .resetTwoFactor: _ = try resetTwoFactor(accountID: accountID)
        case .unblock: try unblock(accountID: accountID)
        case .endSessions: try store.deleteSessions(accountID: accountID, except: nil)
        }
        try audit(admin: admin, client: client, target: target, action.label)
        return true
    }

    // MARK: The credentials inventory

    /// The inventory counts no further than this for its pages ("more than 1,000"): an
    /// exact count of a filter over every token reads the whole table.
    public static let inventoryCountLimit = 1000

    /// A page of the inventory (one row more than a page when there is a next one) and the
    /// number of matching tokens, nil when there are more than `inventoryCountLimit`.
    public func tokenInventory(_ filter: TokenFilter, sort: TokenSort, page: Int) throws
        -> (rows: [InventoryToken], total: Int?)
    {
        let counted = try store.tokenCount(filter, atMost: Self.inventoryCountLimit + 1)
        return (try store.tokenInventory(filter, sort: sort, limit: Self.adminPageSize + 1, offset: Self.offset(page)),
                counted > Self.inventoryCountLimit ? nil : counted)
    }

    /// Every token the filter matches, for the CSV download, in `sort` order.
    public func allTokens(_ filter: TokenFilter, sort: TokenSort) throws -> [InventoryToken] {
        try store.tokenInventory(filter, sort: sort, limit: Int(Int32.max), offset: 0)
    }

    /// The exact number the filter matches (the bulk revocation's confirmation).
    public func tokenCount(_ filter: TokenFilter) throws -> Int {
        try store.tokenCount(filter, atMost: nil)
    }

    public func token(id: Int64) throws -> TokenRecord? {
        try store.token(id: id)
    }

    /// Revokes one token, whoever owns it; nil when it is already gone.
    public func revokeToken(id: Int64, admin: Account, client: Client) throws -> TokenRecord? {
        guard let token = try store.token(id: id), try store.deleteToken(id: id, accountID: token.accountID),
              let owner = try store.account(id: token.accountID)
        else { return nil }
        try audit(admin: admin, client: client, target: owner,
                  "revoked " + Self.tokenDetail(id: token.id, hint: token.hint), kind: .tokenRemoved)
        return token
    }

    /// Revokes every token the filter matches when they are still `expected` many (what the
    /// confirmation said); nil, and nothing revoked, when the number changed meanwhile.
    /// Each owner's activity gets one entry naming how many of theirs went.
    public func revokeTokens(_ filter: TokenFilter, expected: Int, described: String, admin: Account, client: Client)
        throws -> Int?
    {
        guard let tokens = try store.deleteTokens(filter, expected: expected) else { return nil }
        for (ownerID, theirs) in Dictionary(grouping: tokens, by: \.accountID).sorted(by: { $0.key < $1.key }) {
            let names = theirs.prefix(5).map { Self.tokenDetail(id: $0.id, hint: $0.hint) }.joined(separator: ", ")
            try log(.tokenRemoved, accountID: ownerID, client: client, detail: "by an administrator (\(admin.email)): "
                + "\(theirs.count) revoked at once: \(names)\(theirs.count > 5 ? ", …" : "")")
        }
        try log(.adminAudit, accountID: admin.id, client: client,
                detail: "revoked \(tokens.count) tokens at once (\(described))")
        return tokens.count
    }

    // MARK: Activity across accounts

    public func activity(_ filter: ActivityFilter, page: Int) throws -> [ActivityRecord] {
        try store.activity(filter, limit: Self.adminPageSize + 1, offset: Self.offset(page))
    }

    /// The account with this e-mail (any spelling `EmailAddress` parses to it), or nil (a
    /// filter naming nobody).
    public func account(email: String) throws -> Account? {
        try store.account(email: (try? Self.address(email).value) ?? email)
    }

    public func account(id: Int64) throws -> Account? {
        try store.account(id: id)
    }

    // MARK: The two trails

    /// `what` goes to the target's activity ("by an administrator (email): what") and to
    /// the administrator's audit trail ("what: target (account id)"), with where from.
    func audit(admin: Account, client: Client, target: Account, _ what: String, kind: ActivityKind = .admin) throws {
        try log(kind, accountID: target.id, client: client, detail: "by an administrator (\(admin.email)): \(what)")
        try log(.adminAudit, accountID: admin.id, client: client, detail: "\(what): \(target.email) (account \(target.id))")
    }

    static func offset(_ page: Int) -> Int {
        (min(max(page, 1), 1_000_000) - 1) * adminPageSize
    }
}
