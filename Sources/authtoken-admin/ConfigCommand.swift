import ArgumentParser
import AuthTokenBackends
import AuthTokenConfig

/// The settings as the server would read them, secrets hidden: which file, and for every
/// key the value set in the environment or the file, or that the default applies. With
/// `--template` or `--markdown` it prints what `Setting.all` makes instead.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Print the effective settings (secrets hidden) and check them.",
        discussion: """
            --template prints a new configuration file with every key described (scripts/run and \
            scripts/install write it), with KEY=VALUE arguments set and a new random AUTHTOKEN_SECRET_KEY \
            unless one is given; --markdown prints the table of docs/configuration.md.
            """)

    @Flag(help: "Print a new configuration file instead (KEY=VALUE arguments set keys).")
    var template = false

    @Flag(help: "Print the table of every key in Markdown instead.")
    var markdown = false

    @Argument(help: "KEY=VALUE settings for --template.")
    var assignments: [String] = []

    func validate() throws {
        guard !(template && markdown) else { throw ValidationError("--template and --markdown exclude each other") }
        guard assignments.isEmpty || template else { throw ValidationError("KEY=VALUE arguments need --template") }
    }

    func run() async throws {
        if markdown {
            print(Setting.markdownTable, terminator: "")
        } else if template {
            var values: [String: String] = [:]
            for assignment in assignments {
                guard let eq = assignment.firstIndex(of: "="), eq != assignment.startIndex else {
                    throw ValidationError("'\(assignment)' is not KEY=VALUE")
                }
                values[String(assignment[..<eq])] = String(assignment[assignment.index(after: eq)...])
            }
            print(try Setting.template(values: values), terminator: "")
        } else {
            try await printEffective()
        }
    }

    func printEffective() async throws {
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
