import Foundation
import AuthTokenStore

/// The view models of two-factor, application passwords, activity and sessions (`PageModel`).
struct TwoFactorView: PageModel {
    var template: String { "twofactor" }
    var title = "Two-factor sign-in"
    /// Any second factor: TOTP, a key, or both.
    var enabled: Bool?
    /// An authenticator app (TOTP) is on.
    var totp: Bool?
    var codesLeft: String?
    var notice: String?
    var error: String?
    /// The account's security keys; `keysAvailable` when the server has a public URL.
    var keysAvailable: Bool?
    var hasKeys: Bool?
    var keys: [CredentialRow] = []
    var maxKeys: String?
    var keyNameValue: String?

}

/// The registration ceremony's page: the challenge in the form's `data-` attributes, for
/// `/static/passkey.js` to hand to `navigator.credentials.create`.
struct KeyRegistrationView: PageModel {
    var template: String { "twofactor-key" }
    var title = "Add a security key"
    var name: String
    var challenge: String
    var rpID: String
    var userID: String
    var userName: String
    /// Comma-separated base64url ids of the keys the account holds already.
    var exclude: String
}

/// Removing the account's last second factor: the password first.
struct KeyRemovalView: PageModel {
    var template: String { "twofactor-key-remove" }
    var title = "Remove your last security key"
    var id: String
    var name: String
    var error: String?
}

struct TwoFactorSetupView: PageModel {
    var template: String { "twofactor-setup" }
    var title = "Turn on two-factor sign-in"
    var secret: String
    var groupedSecret: String
    var uri: String
    var setup: String
    var qr: QRView?
    var error: String?
}

/// A QR code as SVG: the view box with a four-module quiet zone, and its dark runs.
struct QRView {
    var viewBox: String
    var side: String
    var runs: [Run]

    struct Run {
        var x: String
        var y: String
        var w: String
    }
}

struct RecoveryCodesView: PageModel {
    var template: String { "twofactor-codes" }
    var title = "Recovery codes"
    var codes: [Code]
    /// Set when the codes came with a first security key rather than with TOTP.
    var keyName: String?

    struct Code {
        var code: String
    }
}

struct AppPasswordsView: PageModel {
    var template: String { "app-passwords" }
    var title = "Application passwords"
    var hasPasswords: Bool
    var twoFactorOn: Bool
    var passwords: [CredentialRow]
    var notice: String?
    var error: String?
    var nameValue: String?
}

struct AppPasswordCreatedView: PageModel {
    var template: String { "app-password-created" }
    var title = "New application password"
    var name: String
    var password: String
}

struct ActivityView: PageModel {
    var template: String { "activity" }
    var title = "Recent activity"
    var limit: String
    var hasEntries: Bool
    var entries: [ActivityRow]
}

/// An activity-log entry as the pages show it; `accountID` only on the administrators' list.
struct ActivityRow {
    var kind: String
    var label: String
    var detail: String
    var at: String
    var atISO: String
    var address: String
    var userAgent: String
    var accountID: String?
}

struct SessionsView: PageModel {
    var template: String { "sessions" }
    var title = "Where you are signed in"
    var hasOthers: Bool
    var sessions: [Row]
    var notice: String?
    var error: String?

    struct Row {
        var id: String
        var current: Bool
        var browser: String
        var userAgent: String
        var address: String
        var started: String
        var startedISO: String
        var lastSeen: String
        var lastSeenISO: String
    }
}

extension ActivityRow {
    /// An entry as the pages show it; `withAccount` adds the account (the administrators' list).
    init(_ record: ActivityRecord, withAccount: Bool) {
        let entry = record.entry
        self.init(
            kind: entry.kind.rawValue, label: entry.kind.label, detail: entry.detail,
            at: PageDate.string(from: entry.at), atISO: PageDate.iso(entry.at),
            address: entry.address.isEmpty ? "—" : entry.address, userAgent: entry.userAgent,
            accountID: withAccount ? entry.accountID.map { String($0) } : nil)
    }
}

/// A named credential of the signed-in person (an application password, a security key): its
/// name, when it was made and last used, as the lists on their pages show them.
struct CredentialRow {
    var id: String
    var name: String
    var created: String
    var createdISO: String
    var lastUsed: String?
    var lastUsedISO: String?

    init(id: Int64, name: String, createdAt: Date, lastUsedAt: Date?) {
        self.id = String(id)
        self.name = name
        created = PageDate.string(from: createdAt)
        createdISO = PageDate.iso(createdAt)
        lastUsed = lastUsedAt.map(PageDate.string(from:))
        lastUsedISO = lastUsedAt.map(PageDate.iso)
    }
}
