import AuthTokenCore
import Foundation

extension AppConfiguration {
    /// The directory settings, nil in `local` mode. Every refusal names its key.
    static func directory(_ values: Values) throws -> DirectorySettings? {
        let modeText = try values.choice(.directoryMode)
        guard let mode = DirectorySettings.Mode(rawValue: modeText), mode != .local else { return nil }
        func required(_ setting: Setting) throws -> String {
            guard let value = values.string(setting) else {
                throw ConfigurationError(key: setting.name, problem: "is needed in mode \(modeText)")
            }
            return value
        }
        let url = try required(.directoryURL)
        let scheme = url.lowercased()
        guard scheme.hasPrefix("ldaps://") || scheme.hasPrefix("ldap://"), !url.contains(" ") else {
            throw ConfigurationError(key: Setting.directoryURL.name, problem: "must be one ldaps:// or ldap:// URL")
        }
        let filter = values.text(.directoryUserFilter)
        guard filter.contains("{email}"), filter.hasPrefix("("), filter.hasSuffix(")") else {
            throw ConfigurationError(
                key: Setting.directoryUserFilter.name, problem: "must be a parenthesised filter with {email} in it")
        }
        let disabled = values.string(.directoryDisabledFilter)
        if let disabled, !(disabled.hasPrefix("(") && disabled.hasSuffix(")")) {
            throw ConfigurationError(key: Setting.directoryDisabledFilter.name, problem: "must be a parenthesised filter")
        }
        return DirectorySettings(
            mode: mode, url: url, caFile: values.string(.directoryCAFile),
            verifyCertificate: try values.flag(.directoryVerify),
            bindDN: try required(.directoryBindDN),
            bindPassword: try bindPassword(try required(.directoryBindPasswordFile)),
            userBase: try required(.directoryUserBase), userFilter: filter,
            mailAttribute: values.text(.directoryMailAttribute), nameAttribute: values.text(.directoryNameAttribute),
            adminGroup: values.string(.directoryAdminGroup), requiredGroup: values.string(.directoryRequiredGroup),
            disabledFilter: disabled,
            connectTimeout: Double(try values.int(.directoryConnectTimeout)),
            operationTimeout: Double(try values.int(.directoryTimeout)),
            syncPeriod: Double(try values.int(.directorySyncMinutes)) * 60,
            maxDeactivatePercent: try values.int(.directoryMaxDeactivatePercent))
    }

    /// The search account's password: the file's first line, from a file only its owner reads.
    static func bindPassword(_ path: String) throws -> String {
        let key = Setting.directoryBindPasswordFile.name
        var info = stat()
        guard stat(path, &info) == 0, let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError(key: key, problem: "cannot read \(path)")
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw ConfigurationError(
                key: key, problem: "\(path) can be read by other users (mode \(String(mode, radix: 8))): run chmod 600 \(path)")
        }
        let password = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard !password.isEmpty else { throw ConfigurationError(key: key, problem: "\(path) is empty") }
        return password
    }
}
