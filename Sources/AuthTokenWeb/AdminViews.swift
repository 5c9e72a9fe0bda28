import AuthTokenStore

/// The view models of the administrators' pages (`PageModel`).

/// A list with paging links (`AdminPaging` fills them).
protocol PagedView {
    var page: String { get set }
    var filterQuery: String { get set }
    var previous: String? { get set }
    var next: String? { get set }
    var total: String? { get set }
}

struct AdminAccountsView: PageModel, PagedView {
    var template: String { "admin-accounts" }
    var page = "", filterQuery = "", previous: String?, next: String?, total: String?
    var title = "Accounts"
    var search: String
    var unconfirmed: Bool?
    var deactivated: Bool?
    var blocked: Bool?
    var twofactor: Bool?
    var hasRows: Bool
    var accounts: [Row]
    /// The last directory sync; nil when no directory is configured.
    var directorySync: DirectorySync?

    struct Row {
        var id: String
        var email: String
        var name: String
        /// `local` or `directory`.
        var origin: String
        var confirmed: Bool
        var active: Bool
        var admin: Bool
        var twoFactor: Bool
        var blocked: Bool
        var tokens: String
        var created: String
    }

    /// The last directory sync, in one sentence (`AdminDirectorySync`).
    struct DirectorySync {
        /// `none` (no sync yet), `applied`, `refused` or `failed`.
        var outcome: String
        var summary: String
    }
}

struct AdminAccountDetailView: PageModel {
    var template: String { "admin-account" }
    var title: String
    var id: String
    var accountID: String
    var ownerQuery: String
    var accountEmail: String
    var name: String
    /// `local` or `directory`.
    var origin: String
    var confirmed: Bool
    var active: Bool
    var admin: Bool
    /// Said after "administrator" when the directory's administrators' group decides it.
    var adminFromGroup: Bool
    var twoFactor: Bool
    var created: String
    var blockedUntil: String?
    var tokens: [AdminTokenRow]
    var hasTokens: Bool
    var appPasswords: [AppPassword]
    var hasAppPasswords: Bool
    /// Security keys: names and use only (reset two-factor removes them).
    var keys: [Key]
    var hasKeys: Bool
    var sessions: [Session]
    var hasSessions: Bool
    var activity: [ActivityRow]
    var hasActivity: Bool
    var actions: [Action]
    var notice: String?

    struct AppPassword {
        var id: String
        var name: String
        var created: String
        var lastUsed: String
    }

    struct Key {
        var name: String
        var created: String
        var lastUsed: String
    }

    struct Session {
        var browser: String
        var address: String
        var started: String
        var lastSeen: String
    }

    struct Action {
        var action: String
        var label: String
        var destructive: Bool
    }
}

/// A token on the administrators' pages; the owner and expiry only in the inventory.
struct AdminTokenRow {
    var id: String
    var name: String
    var scopes: String
    var hint: String
    var created: String
    var lastUsed: String
    var lastUsedFrom: String
    var wasUsed: Bool
    var owner: String?
    var ownerID: String?
    var appPassword: String?
    var expires: String?
    var expired: Bool?
}

struct AdminConfirmView: PageModel {
    var template: String { "admin-confirm" }
    var title: String
    var heading: String
    var text: String
    var action: String
    var button: String
    var cancel: String
    var fields: [Field]
    var notice: String?

    /// A hidden form field.
    struct Field {
        var name: String
        var value: String
    }
}

struct AdminTokensView: PageModel, PagedView {
    var template: String { "admin-tokens" }
    var page = "", filterQuery = "", previous: String?, next: String?, total: String?
    var title = "Credentials inventory"
    var error: String?
    var owner: String
    var unused: String
    var expiring: String
    var scopes: [Scope]
    var sorts: [Choice]
    var described: String
    var hasRows: Bool
    var tokens: [AdminTokenRow]
    var notice: String?

    struct Scope {
        var name: String
        var selected: Bool
    }
}

struct AdminAppPasswordsView: PageModel, PagedView {
    var template: String { "admin-app-passwords" }
    var page = "", filterQuery = "", previous: String?, next: String?, total: String?
    var title = "Application passwords"
    var owner: String
    var unused: String
    var error: String?
    var hasRows: Bool
    var appPasswords: [Row]
    var described: String
    var notice: String?

    struct Row {
        var id: String
        var ownerID: String
        var owner: String
        var name: String
        var created: String
        var lastUsed: String
        var tokens: String
    }
}

struct AdminActivityView: PageModel, PagedView {
    var template: String { "admin-activity" }
    var page = "", filterQuery = "", previous: String?, next: String?, total: String?
    var title = "Activity"
    var error: String?
    var account: String
    var from: String
    var until: String
    var kinds: [Choice]
    var hasEntries: Bool
    var entries: [ActivityRow]
}

extension AdminTokenRow {
    /// A token as the administrators' pages show it (never its digest); the inventory adds
    /// its owner and expiry.
    init(_ token: TokenRecord) {
        self.init(
            id: String(token.id), name: token.displayName, scopes: token.scopes.joined(separator: ", "),
            hint: token.hint, created: PageDate.string(from: token.createdAt),
            lastUsed: token.lastUsedAt.map(PageDate.string(from:)) ?? "never", lastUsedFrom: token.lastUsedFrom ?? "",
            wasUsed: token.lastUsedAt != nil)
    }
}
