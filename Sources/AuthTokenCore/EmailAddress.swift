import Foundation

/// An e-mail address as an identity: the one place that decides what an address is and
/// when two spellings are the same account. Every entry point (the sign-in form, API mode,
/// registration, the admin CLI) parses with `init(parsing:)`, once, and passes `value` on;
/// the mailer only ever gets a `value`.
///
/// Rules, in order (each refusal names the rule, `EmailAddress.Refusal`):
/// - input over `maxInputBytes` (4 × 254: no valid address is longer before NFKC, which at
///   most turns a 4-byte letter into a 1-byte one) is refused before any other work, so
///   no parsing step ever sees more than that;
/// - spaces around the address are dropped; then NFKC: fullwidth and other
///   compatibility forms become their plain letters (`ｄｅｍｏ` → `demo`);
/// - refused anywhere: control and format characters (zero-width, bidi controls, BOM),
///   whitespace, and `, ; < > ( ) [ ] \ "` (so no quoted local parts, no lists, no display
///   names);
/// - exactly one `@`, a local part of 1 to 64 bytes that neither starts nor ends with a dot
///   nor holds two in a row;
/// - a domain of dot-separated labels of letters, digits and inner hyphens, at least two
///   labels; a label that mixes scripts (Latin with Cyrillic or Greek, say) is refused; the
///   domain is kept in IDNA form (`bücher.example` → `xn--bcher-kva.example`), each label at
///   most 63 bytes; a Unicode label of more than `maxLabelScalars` letters is refused before
///   encoding (Punycode writes at least one byte per letter after `xn--`), so the encoder
///   only ever sees short labels;
/// - at most 254 bytes in all.
/// Two addresses are the same account when their `key`s are equal: `value` lower-cased.
public struct EmailAddress: Sendable, Equatable, CustomStringConvertible {
    /// The address as it is stored and mailed to.
    public let value: String

    public var description: String { value }

    /// Uniqueness and look-up (the store's `email_key`).
    public var key: String { value.lowercased() }

    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case empty, forbiddenCharacter, notOneAt, badLocalPart, badDomain, mixedScripts, tooLong

        public var description: String {
            switch self {
            case .empty: "an e-mail address is needed"
            case .forbiddenCharacter: "the e-mail address holds a space, an invisible character or one of , ; < > ( ) [ ] \\ \""
            case .notOneAt: "an e-mail address has exactly one @"
            case .badLocalPart: "the part before the @ must be 1 to 64 characters, without dots at its ends or two in a row"
            case .badDomain: "the part after the @ must be a domain name such as example.com"
            case .mixedScripts: "a part of the domain mixes alphabets (such as Latin and Cyrillic letters)"
            case .tooLong: "an e-mail address has at most 254 characters"
            }
        }
    }

    /// The most input bytes a valid address can have (see the rules above).
    public static let maxInputBytes = 4 * 254
    /// The most letters a Unicode label can have and still fit 63 bytes once encoded.
    static let maxLabelScalars = 63 - "xn--".utf8.count

    public init(parsing input: String) throws(Refusal) {
        guard input.utf8.count <= Self.maxInputBytes else { throw .tooLong }
        let trimmed = input.trimmingSpaces()
        guard !trimmed.isEmpty else { throw .empty }
        let text = trimmed.precomposedStringWithCompatibilityMapping  // NFKC
        guard !text.unicodeScalars.contains(where: Self.isForbidden) else { throw .forbiddenCharacter }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .notOneAt }
        let local = parts[0]
        guard !local.isEmpty, local.utf8.count <= 64, local.first != ".", local.last != ".", !local.contains("..")
        else { throw .badLocalPart }
        let domain = try Self.asciiDomain(parts[1])
        let value = local + "@" + domain
        guard value.utf8.count <= 254 else { throw .tooLong }
        self.value = value
    }

    /// The whole address must already be in the form `init(parsing:)` gives.
    public static func isCanonical(_ text: String) -> Bool {
        (try? EmailAddress(parsing: text))?.value == text
    }

    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .spaceSeparator, .surrogate, .privateUse,
             .unassigned:
            return true
        default:
            return scalar.properties.isWhitespace || ",;<>()[]\\\"".unicodeScalars.contains(scalar)
        }
    }

    /// The domain with every label checked and in its ASCII (IDNA) form, lower-cased.
    static func asciiDomain(_ domain: Substring) throws(Refusal) -> String {
        let labels = domain.lowercased().split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { throw .badDomain }
        var ascii: [String] = []
        for label in labels {
            let scalars = Array(label.unicodeScalars)
            guard !scalars.isEmpty, scalars.first != "-", scalars.last != "-",
                  scalars.allSatisfy({ $0 == "-" || $0.properties.isAlphabetic || $0.properties.numericType == .decimal })
            else { throw .badDomain }
            guard scalars.count <= maxLabelScalars || scalars.allSatisfy(\.isASCII) else { throw .badDomain }
            guard ScriptGroup.isSingleScript(scalars) else { throw .mixedScripts }
            let encoded = scalars.allSatisfy(\.isASCII) ? String(label) : "xn--" + Punycode.encode(scalars)
            guard encoded.utf8.count <= 63 else { throw .badDomain }
            ascii.append(encoded)
        }
        return ascii.joined(separator: ".")
    }
}
