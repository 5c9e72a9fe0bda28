/// The one rule for a name someone types: an account's display name, a token's application
/// name (`DISPLAY_NAME`), an application password's name. At most `maxCharacters`
/// characters and `maxBytes` bytes, no control characters. Characters are grapheme
/// clusters, so one letter with 30,000 combining marks is one character: the byte limit,
/// checked first, is what bounds the stored size and the work on the rest.
enum NameRule {
    static let maxCharacters = 100
    static let maxBytes = 400

    static func allows(_ name: String) -> Bool {
        name.utf8.count <= maxBytes && name.count <= maxCharacters
            && !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
    }
}
