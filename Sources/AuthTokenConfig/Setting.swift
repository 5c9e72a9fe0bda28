/// One configuration key: its name, the values it takes, its default and what it means.
///
/// `Setting.all` is the one list of keys. The loader reads every value through its setting
/// (so the default and the range used are the ones documented), `authtoken-admin config`
/// prints the effective values from it, `authtoken-admin config --template` writes the
/// commented file that `scripts/run` and `scripts/install` install, and
/// `authtoken-admin config --markdown` prints the table in docs/configuration.md, which a
/// test keeps equal to it.
public struct Setting: Sendable {
    public enum Kind: Sendable, Equatable {
        case text
        case number(ClosedRange<Int>)
        /// `on` or `off` (also `true`/`false`, `yes`/`no`, `1`/`0`).
        case flag
        case choice([String])
        /// Never printed: `authtoken-admin config` shows `(set)`.
        case secret
    }

    public let name: String
    public let kind: Kind
    /// The value the loader uses when the key is not set, as written in the file; nil when
    /// the default is worked out at start (from `DATA_DIR`, the cores, another key).
    public let defaultValue: String?
    /// How a default that is worked out at start comes about (Markdown, for the docs).
    public let derivedDefault: String?
    /// One or two sentences (Markdown: `code` spans only).
    public let help: String

    init(_ name: String, _ kind: Kind, default value: String, _ help: String) {
        self.name = name
        self.kind = kind
        defaultValue = value
        derivedDefault = nil
        self.help = help
    }

    init(_ name: String, _ kind: Kind, derived: String, _ help: String) {
        self.name = name
        self.kind = kind
        defaultValue = nil
        derivedDefault = derived
        self.help = help
    }

    public var isSecret: Bool { kind == .secret }

    /// The range of a number, or nil.
    public var range: ClosedRange<Int>? {
        if case .number(let range) = kind { return range }
        return nil
    }
}
