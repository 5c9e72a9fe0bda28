import ArgumentParser
import Foundation

/// `authtoken-admin`: what no web page does. It reads the same configuration as the server
/// (so `DATA_DIR` and `AUTHTOKEN_CONFIG` point it at the same database).
@main
struct AuthtokenAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "authtoken-admin",
        abstract: "Administer authtoken accounts and tokens.",
        discussion: "Uses the server's configuration: AUTHTOKEN_CONFIG, or $DATA_DIR/authtoken.conf.",
        subcommands: [UserCommand.self, TokenCommand.self, MigrateCommand.self, BackupCommand.self, RestoreCommand.self, VerifyCommand.self,
                      RotateSecretsCommand.self, ConfigCommand.self, RoutesCommand.self, DirectoryCommand.self])

    /// Every file the CLI creates (a database, a backup) is its owner's alone.
    static func main() async {
        umask(0o077)
        await main(nil)
    }
}
