import AuthTokenCore

/// What a page handler throws when it refuses: `WebApp.failure` turns each into its message
/// page (with the viewer's layout), in one place. A form that comes back with an error next
/// to its fields is not a refusal: the handler renders it.
enum PageRefusal: Error, Equatable {
    /// A POST without this session's form token (the session gate, the administrators' gate).
    case formExpired
    /// The administrators' gate: an administrator whose account has no two-factor sign-in.
    case adminNeedsTwoFactor
    /// The administrators' gate: a session that began without a two-factor code.
    case adminNeedsCodeSession
    case noSuchToken
    case unknownScope
    /// Browser mode's link names a scope this server does not issue (`issued`: those it does).
    case unknownLinkScope(asked: String, issued: [String])
    case unusableName
    case unusableExpiry
    case tooManyTokens(max: Int)
    case noSuchAppPassword
    /// Two-factor used on a server without `AUTHTOKEN_SECRET_KEY`.
    case noSecretKey
    /// `/register` and `/forgot` when `AUTHTOKEN_PUBLIC_URL` is not set: no mail with a link
    /// goes out (its link would have to come from the request), the same for every address.
    case noMailLinks
    case mailNotSent
    case deadConfirmationLink
    case deadResetLink
    case noSuchAccount
    case unknownAction
    case notOwnAccount(id: Int64)
    case adminTokenGone
    case adminAppPasswordGone
    case unusableFilter(String)
    /// `/twofactor/key/…` with an id that is not one of the account's keys.
    case noSuchKey
    /// Security keys on a server without `AUTHTOKEN_PUBLIC_URL` (their RP ID and origin).
    case keysUnavailable

    var status: Int {
        switch self {
        case .formExpired, .adminNeedsTwoFactor, .adminNeedsCodeSession: 403
        case .noSuchToken, .noSuchAppPassword, .noSuchAccount, .noSuchKey, .adminTokenGone, .adminAppPasswordGone: 404
        case .unknownScope, .unknownLinkScope, .unusableName, .unusableExpiry, .deadConfirmationLink, .deadResetLink,
             .unknownAction, .unusableFilter: 400
        case .tooManyTokens, .notOwnAccount: 409
        case .noSecretKey, .noMailLinks, .keysUnavailable: 503
        case .mailNotSent: 500
        }
    }

    /// The message page's title, text and (some) link back.
    var message: (title: String, text: String, link: (href: String, text: String)?) {
        switch self {
        case .formExpired:
            ("Form expired", "This form was not sent from a current page of this site, so nothing was changed. "
                + "Go back, reload the page and try again.", nil)
        case .adminNeedsTwoFactor:
            ("Turn on two-factor sign-in first", "The administrators' pages need two-factor sign-in on your own account. "
                + "Turn it on under Two-factor, then sign out and sign in again with a code.",
             ("/twofactor", "Set up two-factor sign-in"))
        case .adminNeedsCodeSession:
            ("Sign in again with your code", "This session began without a two-factor code (two-factor sign-in was turned on "
                + "after it started). The administrators' pages need a session that took one: "
                + "sign out, then sign in again with your code.", nil)
        case .noSuchToken: ("No such token", "You have no token with this number.", nil)
        case .unknownScope: ("Unknown scope", "Choose one of the listed scopes.", nil)
        case .unknownLinkScope(let asked, let issued):
            ("Unknown scope", "This link asks for the scope “\(asked)”, which this server does not "
                + "issue tokens for. It issues: \(issued.joined(separator: ", ")).", nil)
        case .unusableName:
            ("Unusable application name",
             "The application name must have at most 100 characters and no control characters.", nil)
        case .unusableExpiry:
            ("Unusable expiry",
             "Choose never, 30, 90 or 365 days, or a date in the future (at most \(TokenExpiry.maxDays) days away).", nil)
        case .tooManyTokens(let max):
            ("Too many tokens", "You already hold \(max) tokens, the most one account may have. "
                + "Remove one you no longer use on the Active Authtokens page, then try again.", nil)
        case .noSuchAppPassword:
            ("No such application password", "You have no application password with this number.", nil)
        case .noSecretKey:
            ("Two-factor sign-in is unavailable",
             "This server has no AUTHTOKEN_SECRET_KEY configured, so it cannot store two-factor secrets. "
                + "Ask an administrator.", nil)
        case .noMailLinks:
            ("Cannot send e-mail",
             "This server cannot send e-mail with links yet: its administrator has not set AUTHTOKEN_PUBLIC_URL. "
                + "Ask an administrator.", nil)
        case .mailNotSent:
            ("Could not send the e-mail",
             "The confirmation e-mail could not be sent. Try again later, or ask an administrator.", nil)
        case .deadConfirmationLink:
            ("This link does not work", "The confirmation link is wrong, was used already, or is older than 24 hours. "
                + "Register again, or ask an administrator to confirm your account.", nil)
        case .deadResetLink: ("This link does not work", RefusalText.password(.expired), nil)
        case .noSuchAccount:
            ("No such account", "There is no account with this number (any more).", ("/admin/accounts", "Back to the accounts"))
        case .unknownAction:
            ("Unknown action", "This page does not know that action; nothing was changed.",
             ("/admin/accounts", "Back to the accounts"))
        case .notOwnAccount(let id):
            ("Not your own account", "You cannot deactivate the account you are signed in with. Another administrator can.",
             ("/admin/account?id=\(id)", "Back to the account"))
        case .adminTokenGone:
            ("No such token", "This token does not exist (any more); perhaps it was revoked already.",
             ("/admin/tokens", "Back to the inventory"))
        case .adminAppPasswordGone:
            ("No such application password", "It does not exist (any more); perhaps it was revoked already.",
             ("/admin/app-passwords", "Back to the application passwords"))
        case .unusableFilter(let problem): ("Unusable filter", problem, nil)
        case .noSuchKey:
            ("No such security key", "You have no security key with this number (any more); nothing was changed.",
             ("/twofactor", "Back to two-factor sign-in"))
        case .keysUnavailable:
            ("Security keys are unavailable",
             "This server has no AUTHTOKEN_PUBLIC_URL configured, and security keys are bound to it. "
                + "Ask an administrator.", nil)
        }
    }
}
