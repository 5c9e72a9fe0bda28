@_spi(Testing) import AuthTokenCore
import AuthTokenStore
import AuthTokenWeb
import Foundation
import Testing

/// What the administrators' pages say of directory sign-in: each account's origin, the
/// administrators' group's members as admins, and the last directory sync.
@Suite struct AdminDirectoryPagesTests {
    static let client = Client(address: "", userAgent: "test")

    /// The text from `start` up to and with the first `end` after it ("" when absent).
    static func part(_ page: HTTPResponse, from start: String, to end: String) -> String {
        let text = page.bodyText
        guard let from = text.range(of: start), let to = text.range(of: end, range: from.upperBound..<text.endIndex) else {
            return ""
        }
        return String(text[from.lowerBound..<to.upperBound])
    }

    static func row(_ page: HTTPResponse, _ id: Int64) -> String {
        part(page, from: "<tr class=\"account-row\" data-id=\"\(id)\">", to: "</tr>")
    }

    static func expectedRow(_ id: Int64, _ email: String, _ name: String, _ origin: String, _ state: String) -> String {
        "<tr class=\"account-row\" data-id=\"\(id)\">\n"
            + "    <td><a class=\"address\" href=\"/admin/account?id=\(id)\" title=\"\(email)\">\(email)</a></td>\n"
            + "    <td>\(name)</td>\n"
            + "    <td class=\"origin\">\(origin)</td>\n"
            + "    <td class=\"state\">\(state)</td>\n"
            + "    <td class=\"count\">0</td>\n"
            + "    <td class=\"when\">2026-11-18 11:06 UTC</td>\n"
            + "  </tr>"
    }

    static func syncSection(_ outcome: String, _ summary: String) -> String {
        "<section class=\"card directory-sync\" data-outcome=\"\(outcome)\">\n"
            + "  <h2>Directory sync</h2>\n"
            + "  <p class=\"last-sync\">\(summary)</p>\n"
            + "</section>"
    }

    static func syncShown(_ page: HTTPResponse) -> String {
        part(page, from: "<section class=\"card directory-sync\"", to: "</section>")
    }

    @Test func theAccountPagesShowEachOriginAndTheAdministratorsGroupsMembersAsAdmins() throws {
        let directory = MemoryDirectory()
        directory.add("dora@example.org", "Dora Directory", password: "dora-directory-password", admin: true)
        directory.add("eve@example.org", "Eve Directory", password: "eve-directory-password")
        let b = try BrowserHarness(directory: (MemoryDirectory.settings(), directory))
        #expect(try b.t.auth.directory.firstFactor(email: "dora@example.org", password: "dora-directory-password",
                                                   client: Self.client) == "signed in dora@example.org")
        #expect(try b.t.auth.directory.firstFactor(email: "eve@example.org", password: "eve-directory-password",
                                                   client: Self.client) == "signed in eve@example.org")
        let dora = try #require(try b.t.store.account(email: "dora@example.org"))
        let eve = try #require(try b.t.store.account(email: "eve@example.org"))
        let local = try b.addAccount("lou@example.com")
        let root = try b.signInAsAdmin()

        let list = b.get("/admin/accounts")
        #expect(list.status == 200)
        #expect(Self.row(list, dora.id) == Self.expectedRow(dora.id, "dora@example.org", "Dora Directory", "directory", "admin"))
        #expect(Self.row(list, eve.id) == Self.expectedRow(eve.id, "eve@example.org", "Eve Directory", "directory", ""))
        #expect(Self.row(list, local) == Self.expectedRow(local, "lou@example.com", "lou", "local", ""))
        #expect(Self.row(list, root.id).contains("<td class=\"origin\">local</td>\n    <td class=\"state\">two-factor admin</td>"))

        let facts = { (id: Int64) in Self.part(b.get("/admin/account?id=\(id)"), from: "<dt>Origin</dt>", to: "</dl>") }
        #expect(facts(dora.id) == "<dt>Origin</dt><dd class=\"origin\">directory</dd>\n"
            + "    <dt>Created</dt><dd>2026-11-18 11:06 UTC</dd>\n"
            + "    <dt>Registration</dt><dd class=\"confirmed\">confirmed</dd>\n"
            + "    <dt>State</dt><dd class=\"active\">active</dd>\n"
            + "    <dt>Two-factor</dt><dd class=\"two-factor\">off</dd>\n"
            + "    <dt>Blocked</dt><dd class=\"blocked\">no</dd>\n"
            + "    <dt>Role</dt><dd class=\"role\">administrator (the directory's administrators' group)</dd>\n"
            + "  </dl>")
        #expect(facts(eve.id).hasPrefix("<dt>Origin</dt><dd class=\"origin\">directory</dd>\n"))
        #expect(!facts(eve.id).contains("<dt>Role</dt>"))
        // A local administrator is one by an administrator's grant, not by the group.
        #expect(facts(root.id).hasPrefix("<dt>Origin</dt><dd class=\"origin\">local</dd>\n"))
        #expect(facts(root.id).hasSuffix("<dt>Role</dt><dd class=\"role\">administrator</dd>\n  </dl>"))

        // Out of the group: the next sync takes admin back, and the pages say so at once.
        directory.remove("dora@example.org")
        directory.add("dora@example.org", "Dora Directory", password: "dora-directory-password")
        _ = try b.t.auth.directory.sync(dryRun: false, client: Self.client)
        #expect(Self.row(b.get("/admin/accounts"), dora.id)
            == Self.expectedRow(dora.id, "dora@example.org", "Dora Directory", "directory", ""))
        #expect(!facts(dora.id).contains("<dt>Role</dt>"))
    }

    @Test func withoutADirectoryTheAccountsPageHasNoSyncSection() throws {
        let b = try BrowserHarness()
        let root = try b.signInAsAdmin()
        let list = b.get("/admin/accounts")
        #expect(list.status == 200)
        #expect(!list.bodyText.contains("directory-sync"))
        #expect(!list.bodyText.contains("Directory sync"))
        #expect(Self.row(list, root.id).contains("<td class=\"origin\">local</td>"))
    }

    @Test func theAccountsPageShowsTheLastSyncAppliedRefusedOrFailed() throws {
        let directory = MemoryDirectory()
        for uid in ["gus", "hal", "ida"] {
            directory.add("\(uid)@example.org", uid.capitalized, password: "\(uid)-directory-password")
        }
        let b = try BrowserHarness(directory: (MemoryDirectory.settings(maxDeactivatePercent: 40), directory))
        for uid in ["gus", "hal", "ida"] {
            #expect(try b.t.auth.directory.firstFactor(email: "\(uid)@example.org", password: "\(uid)-directory-password",
                                                       client: Self.client) == "signed in \(uid)@example.org")
        }
        try b.signInAsAdmin()  // the clock is now 11:07
        #expect(Self.syncShown(b.get("/admin/accounts")) == Self.syncSection("none", "No directory sync has run yet."))

        // A dry run is not a sync: it is not kept.
        _ = try b.t.auth.directory.sync(dryRun: true, client: Self.client)
        #expect(try b.t.auth.directory.lastSync() == nil)

        directory.remove("gus@example.org")
        _ = try b.t.auth.directory.sync(dryRun: false, client: Self.client)
        #expect(Self.syncShown(b.get("/admin/accounts")) == Self.syncSection("applied",
            "Last sync 2026-11-18 11:07 UTC: checked 3 directory accounts; deactivated 1, reactivated 0, admin changes 0."))

        b.clock.advance(60)
        directory.add("gus@example.org", "Gus", password: "gus-directory-password")
        directory.remove("hal@example.org")
        directory.remove("ida@example.org")
        let refused = try b.t.auth.directory.sync(dryRun: false, client: Self.client)
        #expect(refused.refused != nil)
        #expect(Self.syncShown(b.get("/admin/accounts")) == Self.syncSection("refused",
            "Last sync 2026-11-18 11:08 UTC: refused by the mass-deactivation guard: 2 of 3 directory accounts would "
                + "have been deactivated; nothing changed (check the directory, then run authtoken-admin directory sync --force)."))
        #expect(try b.t.store.account(email: "gus@example.org")?.active == false)  // nothing changed

        b.clock.advance(60)
        directory.stop()
        #expect(throws: DirectoryUnavailable.self) { try b.t.auth.directory.sync(dryRun: false, client: Self.client) }
        let failed = b.get("/admin/accounts")
        #expect(Self.syncShown(failed) == Self.syncSection("failed",
            "Last sync 2026-11-18 11:09 UTC: failed (DirectoryUnavailable); nothing changed."))
        // The error's text (what the directory said) is not on the page.
        #expect(!failed.bodyText.contains("stopped"))
    }
}
