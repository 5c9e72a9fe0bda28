import Foundation

/// The browser-page paths nginx passes to the server, read from its configuration: the
/// `location = /` and every `location ~ ^/(a|b|c)\z` that lists page paths. The one place
/// that knows which file holds them.
enum NginxLocations {
    static let file = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("nginx/authtoken-locations.conf")

    static func pagePaths() throws -> Set<String> {
        let text = try String(contentsOf: file, encoding: .utf8)
        var paths: Set<String> = []
        for line in text.split(separator: "\n") {
            let words = line.trimmingCharacters(in: .whitespaces)
            if words == "location = / {" { paths.insert("/") }
            if let match = words.firstMatch(of: #/^location ~ \^/\(([a-z0-9/|-]+)\)\\z \{$/#) {
                for name in match.1.split(separator: "|") { paths.insert("/" + name) }
            }
        }
        return paths
    }
}
