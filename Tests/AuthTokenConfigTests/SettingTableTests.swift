import Foundation
import Testing

import AuthTokenConfig

/// `Setting.all` is the one list of keys: the written file loads back to what it says, and
/// the docs' table is the one it prints.
@Suite struct SettingTableTests {
    @Test func namesAreUniqueAndEveryDefaultLiesInItsRange() {
        #expect(Set(Setting.all.map(\.name)).count == Setting.all.count)
        for setting in Setting.all {
            #expect(setting.name.hasPrefix("AUTHTOKEN_"))
            #expect((setting.defaultValue == nil) != (setting.derivedDefault == nil), "\(setting.name)")
            if let range = setting.range, let value = setting.defaultValue, !value.isEmpty {
                #expect(Int(value).map(range.contains) == true, "\(setting.name)")
            }
            if case .choice(let choices) = setting.kind {
                #expect(choices.contains(setting.defaultValue ?? ""), "\(setting.name)")
            }
        }
    }

    @Test func theTemplateLoadsBackWithTheGivenValuesAndANewSecretKey() async throws {
        let folder = NSTemporaryDirectory() + "authtoken-template-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let text = try Setting.template(values: ["AUTHTOKEN_MAX_TOKENS": "3", "AUTHTOKEN_REGISTRATION": "on"])
        let path = folder + "/authtoken.conf"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let config = try await AppConfiguration.load(environment: ["DATA_DIR": folder])
        #expect(config.auth.maxTokensPerAccount == 3)
        #expect(config.browser.registration)
        #expect(config.auth.secretBox != nil)
        #expect(config.auth.argon2.iterations == 2)
        // Every key appears once, set or commented out; two templates never share a key.
        for setting in Setting.all {
            let lines = text.split(separator: "\n").filter { $0.hasPrefix(setting.name + "=") || $0.hasPrefix("#" + setting.name + "=") }
            #expect(lines.count == 1, "\(setting.name)")
        }
        let secret = { (text: String) in text.split(separator: "\n").first { $0.hasPrefix("AUTHTOKEN_SECRET_KEY=") } }
        #expect(secret(text) != secret(try Setting.template(values: [:])))
    }

    @Test func theTemplateRefusesUnknownKeysAndValuesOfSeveralLines() {
        #expect(throws: ConfigurationError.self) { try Setting.template(values: ["AUTHTOKEN_NOPE": "1"]) }
        #expect(throws: ConfigurationError.self) {
            try Setting.template(values: ["AUTHTOKEN_SENDMAIL": "x\nAUTHTOKEN_SECRET_KEY=00"])
        }
    }

    /// docs/configuration.md holds the table between two markers; regenerate it with
    /// `scripts/admin config --markdown`.
    @Test func theDocsTableIsTheOneTheSettingsPrint() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../docs/configuration.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let start = "<!-- settings table: authtoken-admin config --markdown -->\n"
        let end = "<!-- end of settings table -->"
        let from = try #require(text.range(of: start))
        let to = try #require(text.range(of: end, range: from.upperBound..<text.endIndex))
        #expect(String(text[from.upperBound..<to.lowerBound]) == Setting.markdownTable)
    }
}
