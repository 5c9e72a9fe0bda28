/// The view models of the token pages, browser mode and Developer Space (`PageModel`).
struct TokensView: PageModel {
    var template: String { "tokens" }
    var title = "Active Authtokens"
    var tokens: [TokenRow]
    var hasTokens: Bool
    var count: Int
    var max: Int
    var full: Bool
    var scopeOptions: [ValueRow]
    var expiringSoon: [TokenRow]
    var hasExpiringSoon: Bool
    var expiryOptions: [Choice]
    var minDate: String
    var maxLifetime: String?
    var notice: String?
}

/// A stored token as the pages show it (never its digest), with its expiry facts.
struct TokenRow {
    var id: String
    var name: String
    var scopes: String
    var created: String
    var createdISO: String
    var hint: String
    var hasExpiry: Bool
    var lastUsed: String?
    var lastUsedISO: String?
    var lastUsedFrom: String?
    var appPassword: String?
    var expires: String?
    var expiresISO: String?
    /// Set (true) once past; nil otherwise.
    var expired: Bool?
    /// Set (true) within `TokenPages.expiryWarning`; nil otherwise.
    var expiresSoon: Bool?
    /// The last one of the expiring-soon banner's list.
    var last: Bool?
    /// What a renewal would set (the confirmation page).
    var newExpiry: String?
    /// The last 30 days' uses (the token list).
    var usage: UsageChart?
}

/// One token's uses over a year (`/tokens/usage`), with the days it was used as a table.
struct TokenUsageView: PageModel {
    var template: String { "token-usage" }
    var title: String
    var token: TokenRow
    var chart: UsageChart
    var usedDays: [UsedDay]
    var hasUsedDays: Bool

    struct UsedDay {
        var day: String
        var uses: Int
    }
}

struct ValueRow {
    var value: String
}

/// One option of a choice: the expiry choice (`expiry-choice.mustache`), a sort, a kind.
struct Choice {
    var value: String
    var label: String
    var selected: Bool
}

/// The expiry choice's values, copied into the pages that show it.
struct ExpiryChoice {
    var expiryOptions: [Choice]
    var minDate: String
    var maxLifetime: String?
}

/// The confirmation of remove (`token-remove`) or regenerate (`token-regenerate`).
struct TokenActionView: PageModel {
    var template: String { remove ? "token-remove" : "token-regenerate" }
    let remove: Bool
    var title: String
    var token: TokenRow
    var renew: Bool
}

struct TokenCreatedView: PageModel {
    var template: String { "token-created" }
    var title: String
    var regenerated: Bool
    var token: String
    var name: String
    var scopes: String
    var hint: String
    var answer: String
    var expires: String?
    var expiresISO: String?
}

struct BrowserConfirmView: PageModel {
    var template: String { "browser-confirm" }
    var title = "Create an auth token"
    var action: String
    var scopes: String
    var name: String
    var scopeValue: String
    var nameValue: String
    var expiryOptions: [Choice]
    var minDate: String
    var maxLifetime: String?
}

struct DeveloperView: PageModel {
    var template: String { "developer" }
    var title = "Developer Space"
    var apiMode: String
    var browserMode: String
    var apiCall: String
    var curlCreate: String
    var curlCall: String
    var scopes: [ValueRow]
}
