/// Which writing system a letter belongs to, coarsely, for refusing domain labels that mix
/// look-alike alphabets (`exаmple` with a Cyrillic `а`). Swift exposes no Unicode Script
/// property, so this is a table of the blocks of the scripts that are confused with Latin
/// or with each other; letters of any other block count as a script of their own block.
/// Han, Hiragana, Katakana and Hangul form one group, since Japanese and Korean names mix
/// them legitimately. Digits and the hyphen belong to no script.
enum ScriptGroup: Hashable {
    case latin, greek, cyrillic, armenian, hebrew, arabic, eastAsian
    case other(block: UInt32)

    static let ranges: [(ClosedRange<UInt32>, ScriptGroup)] = [
        (0x0041...0x024F, .latin), (0x1E00...0x1EFF, .latin), (0x2C60...0x2C7F, .latin),
        (0xA720...0xA7FF, .latin), (0xFF21...0xFF5A, .latin), (0x0250...0x02AF, .latin),
        (0x0370...0x03FF, .greek), (0x1F00...0x1FFF, .greek),
        (0x0400...0x052F, .cyrillic), (0x1C80...0x1C8F, .cyrillic), (0x2DE0...0x2DFF, .cyrillic),
        (0xA640...0xA69F, .cyrillic),
        (0x0530...0x058F, .armenian), (0x0590...0x05FF, .hebrew),
        (0x0600...0x06FF, .arabic), (0x0750...0x077F, .arabic), (0x08A0...0x08FF, .arabic),
        (0x1100...0x11FF, .eastAsian), (0x3040...0x30FF, .eastAsian), (0x3130...0x318F, .eastAsian),
        (0x3400...0x4DBF, .eastAsian), (0x4E00...0x9FFF, .eastAsian), (0xAC00...0xD7AF, .eastAsian),
    ]

    static func of(_ scalar: Unicode.Scalar) -> ScriptGroup? {
        guard scalar.properties.isAlphabetic else { return nil }
        let value = scalar.value
        for (range, group) in ranges where range.contains(value) { return group }
        return .other(block: value & ~0x7F)
    }

    /// True when the letters of `scalars` all belong to one group.
    static func isSingleScript(_ scalars: [Unicode.Scalar]) -> Bool {
        Set(scalars.compactMap(of)).count <= 1
    }
}
