import AuthTokenCore
import AuthTokenStore
import Foundation

/// The credentials inventory's filter as the page's query gives it: `scope` (a configured
/// scope), `owner` (an e-mail address), `unused` (days, 1 to 36500), `expiring` (days, 0 to
/// 36500: expired, or expiring within that many days; 0: expired only) and `sort`. The same
/// fields travel to the CSV download and to the bulk revocation, so each acts on exactly
/// what the list showed.
struct InventoryQuery {
    var filter = TokenFilter()
    var sort = TokenSort.newest
    var scope = ""
    var owner = ""
    var unused = ""
    var expiring = ""
    /// Why the filter cannot be used as given (shown; nothing is listed or revoked).
    var problem: String?

    init(_ form: FormData, scopes: [String], admin: AdminService, now: Date) throws {
        sort = form["sort"].flatMap(TokenSort.init(rawValue:)) ?? .newest
        if let wanted = form["scope"], !wanted.isEmpty {
            if let scope = scopes.first(where: { $0.lowercased() == wanted.lowercased() }) {
                self.scope = scope
                filter.scope = scope
            } else {
                problem = "This server issues no scope named “\(wanted.prefix(100))”."
            }
        }
        if let email = form["owner"]?.trimmingCharacters(in: .whitespaces), !email.isEmpty {
            owner = String(email.prefix(320))
            // Nobody with this address: the filter matches no token (id 0 is never issued).
            filter.ownerID = try admin.account(email: owner)?.id ?? 0
        }
        if let days = form["unused"], !days.isEmpty {
            if let number = Int(days), Self.unusedDays.contains(number) {
                unused = String(number)
                filter.unusedSince = now.addingTimeInterval(-Double(number) * 86400)
            } else {
                problem = "“Not used for” takes a number of days from 1 to 36500."
            }
        }
        if let days = form["expiring"], !days.isEmpty {
            if let number = Int(days), Self.expiringDays.contains(number) {
                expiring = String(number)
                filter.expiringBy = now.addingTimeInterval(Double(number) * 86400)
            } else {
                problem = "“Expired or expiring within” takes a number of days from 0 to 36500."
            }
        }
    }

    /// What "expired or expiring within N days" takes (0: expired already).
    static let expiringDays = 0...36500

    /// What "not used for N days" takes, on every admin list.
    static let unusedDays = 1...36500

    /// The filter's fields, for links and hidden form fields (`sort` too when `sorted`).
    func fields(sorted: Bool = true) -> [(String, String)] {
        [("scope", scope), ("owner", owner), ("unused", unused), ("expiring", expiring)]
            + (sorted ? [("sort", sort.rawValue)] : [])
    }

    var query: String {
        fields().filter { !$0.1.isEmpty }.map { "\($0.0)=\(FormData.encode($0.1))" }.joined(separator: "&")
    }

    /// The filter in words, for the confirmation and the audit trail.
    var description: String {
        var parts: [String] = []
        if !scope.isEmpty { parts.append("scope \(scope)") }
        if !owner.isEmpty { parts.append("owner \(owner)") }
        if !unused.isEmpty { parts.append("not used for \(unused) days") }
        if !expiring.isEmpty { parts.append(expiring == "0" ? "expired" : "expired or expiring within \(expiring) days") }
        return parts.isEmpty ? "every token" : parts.joined(separator: ", ")
    }
}
