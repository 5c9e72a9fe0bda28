import ArgumentParser
import AuthTokenBackends
import AuthTokenConfig

/// The settings as the server would read them, secrets hidden: which file, and for every
/// key the value set in the environment or the file, or that the default applies.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Print the effective settings (secrets hidden) and check them.")

    func run() async throws {
        let loaded = try await AppConfiguration.load()  // the same checks as the server's start
        let (file, values) = try await AppConfiguration.setValues()
        print("# configuration file: \(file)")
        print("# database: \(Backend.describe(loaded.databasePath))")
        for (key, value) in values {
            if let value {
                print("\(key)=\(key == "AUTHTOKEN_DATABASE" ? Backend.describe(value) : value)")
            } else {
                print("# \(key): default")
            }
        }
    }
}
