import AuthTokenCore
import Foundation

/// A scripts/ldap-dir directory, started once for the suite in a temporary folder (or the
/// one `AUTHTOKEN_TEST_LDAP_DIR` names) and destroyed at exit when it is ours.
final class TestDirectory: Sendable {
    static let shared = TestDirectory()

    let values: [String: String]
    let folder: String

    private init() {
        let given = ProcessInfo.processInfo.environment["AUTHTOKEN_TEST_LDAP_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        folder = given ?? NSTemporaryDirectory() + "authtoken-ldap-\(getpid())"
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../scripts/ldap-dir").standardized.path
        values = Self.run(script, ["start", folder])
        if given == nil {
            cleanup = [script, folder]
            atexit {
                guard let cleanup else { return }
                TestDirectory.run(cleanup[0], ["destroy", cleanup[1]])
                try? FileManager.default.removeItem(atPath: cleanup[1])
            }
        }
    }

    @discardableResult
    static func run(_ script: String, _ arguments: [String]) -> [String: String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        try! process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        precondition(process.terminationStatus == 0, "scripts/ldap-dir \(arguments) failed")
        var values: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            values[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        return values
    }

    func settings(
        mode: DirectorySettings.Mode = .directoryAndLocal, url: String? = nil, caFile: String? = nil
    ) -> DirectorySettings {
        DirectorySettings(
            mode: mode, url: url ?? values["url"]!, caFile: caFile ?? values["ca_file"]!,
            bindDN: values["bind_dn"]!,
            bindPassword: try! String(contentsOfFile: values["bind_password_file"]!, encoding: .utf8),
            userBase: values["base"]!, adminGroup: values["admin_group"]!, requiredGroup: values["required_group"]!,
            disabledFilter: "(pwdAccountLockedTime=*)", connectTimeout: 2, operationTimeout: 3)
    }
}

nonisolated(unsafe) private var cleanup: [String]?
