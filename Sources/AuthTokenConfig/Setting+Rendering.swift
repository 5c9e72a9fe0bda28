import AuthTokenCore

/// The two texts made from `Setting.all`: the commented configuration file that
/// `scripts/run` and `scripts/install` write, and the table in docs/configuration.md.
extension Setting {
    /// What values the key takes, in words.
    public var valuesText: String {
        switch kind {
        case .text: "text"
        case .number(let range): "\(range.lowerBound)–\(range.upperBound)"
        case .flag: "`on` / `off`"
        case .choice(let choices): choices.map { "`\($0)`" }.joined(separator: " / ")
        case .secret: "secret"
        }
    }

    /// The default as the docs show it.
    public var defaultText: String {
        if let derivedDefault { return derivedDefault }
        guard let defaultValue, !defaultValue.isEmpty else { return "empty" }
        return "`\(defaultValue)`"
    }

    /// A configuration file with every key: its help as a comment, then `KEY=value` for
    /// the keys in `values`, else the default commented out. A key not in `values` that is
    /// a secret key gets a new random one, so a new file is ready for two-factor sign-in.
    /// Throws for a name in `values` that is no key.
    public static func template(values: [String: String]) throws -> String {
        if let unknown = values.keys.sorted().first(where: { named($0) == nil }) {
            throw ConfigurationError(key: unknown, problem: "is not a configuration key")
        }
        if let broken = values.first(where: { $0.value.contains(where: \.isNewline) }) {
            throw ConfigurationError(key: broken.key, problem: "a value must be one line")
        }
        var lines = [
            "# authtoken settings: KEY=value lines; # starts a comment. An environment variable of the",
            "# same name overrides a key. A key left commented out (or empty) has the default shown.",
            "# Every key is described in docs/configuration.md. This file holds the secret key:",
            "# keep it readable by its owner only (chmod 600), or the server refuses to start.",
        ]
        for setting in all {
            lines.append("")
            lines += wrapped(plain(setting.help), width: 92).map { "# " + $0 }
            if let value = values[setting.name] {
                lines.append("\(setting.name)=\(value)")
            } else if setting.name == secretKey.name {
                lines.append("\(setting.name)=\(RandomSecret.generate().value)")
            } else if let value = setting.defaultValue {
                lines.append("#\(setting.name)=\(value)")
            } else {
                lines.append("# default: \(plain(setting.derivedDefault ?? ""))")
                lines.append("#\(setting.name)=")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The Markdown table of docs/configuration.md.
    public static var markdownTable: String {
        var lines = ["| key | values | default | meaning |", "|---|---|---|---|"]
        for setting in all {
            lines.append("| `\(setting.name)` | \(setting.valuesText) | \(setting.defaultText) | \(setting.help) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Markdown code spans as plain text, for comments.
    static func plain(_ markdown: String) -> String {
        markdown.replacingOccurrences(of: "`", with: "")
    }

    static func wrapped(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += line.isEmpty ? String(word) : " " + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
