import AuthTokenCore
import Foundation

/// The application-password list's filter from the query: `owner` (an e-mail address) and
/// `unused` (days, 1 to 36500: got no token since then, or never and made before then). The
/// same fields travel to the CSV and to the bulk revocation, so each acts on what the list showed.
struct AppPasswordQuery {
    var owner = ""
    var ownerID: Int64?
    var unused = ""
    var unusedSince: Date?
    var problem: String?

    init(_ form: FormData, admin: AdminService, now: Date) throws {
        if let email = form["owner"]?.trimmingCharacters(in: .whitespaces), !email.isEmpty {
            owner = String(email.prefix(320))
            // Nobody with this address: the filter matches nothing (id 0 is never issued).
            ownerID = try admin.account(email: owner)?.id ?? 0
        }
        if let days = form["unused"], !days.isEmpty {
            if let number = Int(days), InventoryQuery.unusedDays.contains(number) {
                unused = String(number)
                unusedSince = now.addingTimeInterval(-Double(number) * 86400)
            } else {
                problem = "“Got no token for” takes a number of days from 1 to 36500."
            }
        }
    }

    var fields: [(String, String)] { [("owner", owner), ("unused", unused)] }

    var query: String {
        fields.filter { !$0.1.isEmpty }.map { "\($0.0)=\(FormData.encode($0.1))" }.joined(separator: "&")
    }

    /// The filter in words, for the confirmation and the audit trail.
    var description: String {
        var parts: [String] = []
        if !owner.isEmpty { parts.append("owner \(owner)") }
        if !unused.isEmpty { parts.append("got no token for \(unused) days") }
        return parts.isEmpty ? "every application password" : parts.joined(separator: ", ")
    }
}
