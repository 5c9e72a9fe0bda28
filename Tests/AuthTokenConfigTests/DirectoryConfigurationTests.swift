import AuthTokenConfig
import AuthTokenCore
import Foundation
import Testing

/// The directory settings: off by default, every needed key named when missing, and the
/// search account's password only from a file no one else can read.
@Suite struct DirectoryConfigurationTests {
    let folder: String
    let passwordFile: String

    init() throws {
        folder = NSTemporaryDirectory() + "authtoken-directory-config-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        passwordFile = folder + "/bind-password"
        try "s3arch-secret\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: passwordFile)
    }

    var full: [String: String] {
        [
            "AUTHTOKEN_DIRECTORY_MODE": "directory+local", "AUTHTOKEN_DIRECTORY_URL": "ldap://dc.example.org",
            "AUTHTOKEN_DIRECTORY_BIND_DN": "cn=authtoken,dc=example,dc=org",
            "AUTHTOKEN_DIRECTORY_BIND_PASSWORD_FILE": passwordFile,
            "AUTHTOKEN_DIRECTORY_USER_BASE": "ou=people,dc=example,dc=org",
        ]
    }

    func load(_ environment: [String: String]) async throws -> AppConfiguration {
        try await AppConfiguration.load(environment: ["DATA_DIR": folder].merging(environment) { $1 })
    }

    func refusal(_ environment: [String: String]) async -> String? {
        do {
            _ = try await load(environment)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func offByDefault() async throws {
        #expect(try await load([:]).auth.directory == nil)
        #expect(try await load(["AUTHTOKEN_DIRECTORY_MODE": "local", "AUTHTOKEN_DIRECTORY_URL": "ldap://x"]).auth.directory == nil)
    }

    @Test func theDefaultsAndTheValuesSet() async throws {
        let settings = try #require(try await load(full).auth.directory)
        #expect(settings == DirectorySettings(
            mode: .directoryAndLocal, url: "ldap://dc.example.org", caFile: nil, verifyCertificate: true,
            bindDN: "cn=authtoken,dc=example,dc=org", bindPassword: "s3arch-secret", userBase: "ou=people,dc=example,dc=org",
            userFilter: "(mail={email})", mailAttribute: "mail", nameAttribute: "cn", adminGroup: nil, requiredGroup: nil,
            disabledFilter: nil, connectTimeout: 3, operationTimeout: 5, syncPeriod: 900, maxDeactivatePercent: 10))
        #expect(settings.startTLS)
        var more = full
        more["AUTHTOKEN_DIRECTORY_URL"] = "ldaps://dc.example.org:636"
        more["AUTHTOKEN_DIRECTORY_MODE"] = "directory"
        more["AUTHTOKEN_DIRECTORY_SYNC_MINUTES"] = "60"
        more["AUTHTOKEN_DIRECTORY_VERIFY"] = "off"
        let other = try #require(try await load(more).auth.directory)
        #expect(other.mode == .directory && !other.startTLS && other.syncPeriod == 3600 && !other.verifyCertificate)
    }

    @Test(arguments: [
        ("AUTHTOKEN_DIRECTORY_URL", "", "configuration: AUTHTOKEN_DIRECTORY_URL: is needed in mode directory+local"),
        ("AUTHTOKEN_DIRECTORY_URL", "http://dc", "configuration: AUTHTOKEN_DIRECTORY_URL: must be one ldaps:// or ldap:// URL"),
        ("AUTHTOKEN_DIRECTORY_BIND_DN", "", "configuration: AUTHTOKEN_DIRECTORY_BIND_DN: is needed in mode directory+local"),
        ("AUTHTOKEN_DIRECTORY_USER_BASE", "", "configuration: AUTHTOKEN_DIRECTORY_USER_BASE: is needed in mode directory+local"),
        ("AUTHTOKEN_DIRECTORY_USER_FILTER", "(mail=*)",
         "configuration: AUTHTOKEN_DIRECTORY_USER_FILTER: must be a parenthesised filter with {email} in it"),
        ("AUTHTOKEN_DIRECTORY_DISABLED_FILTER", "locked=TRUE",
         "configuration: AUTHTOKEN_DIRECTORY_DISABLED_FILTER: must be a parenthesised filter"),
        ("AUTHTOKEN_DIRECTORY_MODE", "ldap", "configuration: AUTHTOKEN_DIRECTORY_MODE: must be one of local, directory+local, directory"),
        ("AUTHTOKEN_DIRECTORY_MAX_DEACTIVATE_PERCENT", "101",
         "configuration: AUTHTOKEN_DIRECTORY_MAX_DEACTIVATE_PERCENT: 101 is outside 0...100"),
    ])
    func aMissingOrBadValueIsRefusedNamingTheKey(key: String, value: String, message: String) async {
        var environment = full
        environment[key] = value
        #expect(await refusal(environment) == message)
    }

    @Test func theBindPasswordFileMustBeTheOwnersAlone() async throws {
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: passwordFile)
        #expect(await refusal(full) == "configuration: AUTHTOKEN_DIRECTORY_BIND_PASSWORD_FILE: \(passwordFile) can be read "
            + "by other users (mode 640): run chmod 600 \(passwordFile)")
        var missing = full
        missing["AUTHTOKEN_DIRECTORY_BIND_PASSWORD_FILE"] = folder + "/nothing"
        #expect(await refusal(missing) == "configuration: AUTHTOKEN_DIRECTORY_BIND_PASSWORD_FILE: cannot read \(folder)/nothing")
    }
}
