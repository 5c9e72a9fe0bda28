import ArgumentParser
import AuthTokenWeb

/// `authtoken-admin routes`: the server's route table, for a reverse proxy's configuration
/// and for tests that check nginx against it. Needs no configuration or database.
struct RoutesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routes",
        abstract: "List every path the server answers: its methods, who may call it, and whether it is a page.")

    func run() {
        print(["PATH", "METHODS", "ACCESS", "KIND"].joined(separator: "\t"))
        for route in WebApp.routes {
            print([route.path, route.methods.isEmpty ? "*" : route.methods.joined(separator: ","), route.access.rawValue,
                   route.isPage ? "page" : "api"].joined(separator: "\t"))
        }
    }
}
