@_spi(Testing) import AuthTokenCore
import AuthTokenStore
import AuthTokenTestKit
import Testing

/// Hostile and look-alike addresses: each refused with its reason, or normalised to one
/// documented spelling (see `EmailAddress`).
@Suite struct EmailAddressTests {
    static let normalised: [(String, String)] = [
        ("ann@example.com", "ann@example.com"),
        ("  Ann@Example.COM  ", "Ann@example.com"),  // outer spaces dropped; the domain lower-cased
        ("ｄｅｍｏ@ｅｘａｍｐｌｅ.ｃｏｍ", "demo@example.com"),  // fullwidth letters: NFKC
        ("demo＠example．com", "demo@example.com"),  // fullwidth @ and dot
        ("ann@bücher.example", "ann@xn--bcher-kva.example"),
        ("ann@BÜCHER.example", "ann@xn--bcher-kva.example"),
        ("ann@xn--bcher-kva.example", "ann@xn--bcher-kva.example"),  // already in IDNA form
        ("ann@münchen.de", "ann@xn--mnchen-3ya.de"),
        ("ann@пример.рф", "ann@xn--e1afmkfd.xn--p1ai"),  // all Cyrillic: one script
        ("ann@例え.jp", "ann@xn--r8jz45g.jp"),
        ("ann@日本語テスト.jp", "ann@xn--zckzah9945czlbtz6h.jp"),  // Han with Katakana: one group
        ("zoë@example.com", "zoë@example.com"),  // Unicode local parts stay (NFC)
        ("zoe\u{0308}@example.com", "zoë@example.com"),  // decomposed ë composed
        ("first.last+tag@sub.example.co.uk", "first.last+tag@sub.example.co.uk"),
        ("o'brien@example.com", "o'brien@example.com"),
        ("a@b-c.example", "a@b-c.example"),
        ("ﬁle@example.com", "file@example.com"),  // the ligature ﬁ: NFKC
    ]

    static let refused: [(String, EmailAddress.Refusal)] = [
        ("", .empty),
        ("   ", .empty),
        ("demo@exаmple.com", .mixedScripts),  // Cyrillic а in a Latin label
        ("demo@ехаmple.com", .mixedScripts),  // Cyrillic е, х, а
        ("demo@exαmple.com", .mixedScripts),  // Greek α
        ("ann@example.com\u{200B}", .forbiddenCharacter),  // zero-width space
        ("an\u{200D}n@example.com", .forbiddenCharacter),  // zero-width joiner
        ("ann@\u{202E}moc.elpmaxe", .forbiddenCharacter),  // right-to-left override
        ("\u{FEFF}ann@example.com", .forbiddenCharacter),  // byte order mark
        ("ann@exam\u{00AD}ple.com", .forbiddenCharacter),  // soft hyphen
        ("ann\u{0000}@example.com", .forbiddenCharacter),
        ("ann@example.com\n", .forbiddenCharacter),
        ("ann @example.com", .forbiddenCharacter),
        ("ann@exa\tmple.com", .forbiddenCharacter),
        ("ann\u{00A0}@example.com", .forbiddenCharacter),  // no-break space: NFKC makes a space
        ("attacker@evil.example,root", .forbiddenCharacter),
        ("a@b.example;c@d.example", .forbiddenCharacter),
        ("Ann <ann@example.com>", .forbiddenCharacter),
        ("\"ann\"@example.com", .forbiddenCharacter),
        ("ann(comment)@example.com", .forbiddenCharacter),
        ("ann@[192.0.2.1]", .forbiddenCharacter),
        ("ann\\@example.com", .forbiddenCharacter),
        ("ann", .notOneAt),
        ("ann@b@example.com", .notOneAt),
        ("@example.com", .badLocalPart),
        (".ann@example.com", .badLocalPart),
        ("ann.@example.com", .badLocalPart),
        ("an..n@example.com", .badLocalPart),
        (String(repeating: "a", count: 65) + "@example.com", .badLocalPart),
        ("ann@", .badDomain),
        ("ann@localhost", .badDomain),
        ("ann@example..com", .badDomain),
        ("ann@.example.com", .badDomain),
        ("ann@example.com.", .badDomain),
        ("ann@-example.com", .badDomain),
        ("ann@example-.com", .badDomain),
        ("ann@exa_mple.com", .badDomain),
        ("ann@exa!mple.com", .badDomain),
        ("ann@" + String(repeating: "a", count: 64) + ".com", .badDomain),
        ("ann@" + Array(repeating: String(repeating: "a", count: 60), count: 5).joined(separator: ".") + ".com", .tooLong),
    ]

    @Test(arguments: normalised)
    func isNormalised(_ input: String, _ expected: String) throws {
        #expect(try EmailAddress(parsing: input).value == expected)
        #expect(EmailAddress.isCanonical(expected))
    }

    @Test(arguments: refused)
    func isRefused(_ input: String, _ reason: EmailAddress.Refusal) {
        #expect(throws: reason) { try EmailAddress(parsing: input) }
    }

    @Test func spellingsOfOneAddressShareOneKey() throws {
        let spellings = ["Demo@Example.com", "ｄｅｍｏ@example.com", "demo@EXAMPLE.com", " demo＠example．com "]
        #expect(Set(try spellings.map { try EmailAddress(parsing: $0).key }) == ["demo@example.com"])
    }

    @Test(arguments: [
        ("bücher", "bcher-kva"), ("münchen", "mnchen-3ya"), ("пример", "e1afmkfd"), ("ελληνικά", "hxargifdar"),
        ("한국어", "3e0bk47br7k"), ("ü", "tda"), ("aü", "a-eha"),
    ])
    func punycodeMatchesRFC3492(_ label: String, _ encoded: String) {
        #expect(Punycode.encode(Array(label.unicodeScalars)) == encoded)
    }
}

/// Accounts stored before `EmailAddress`: rewritten to the parsed form, never merged.
@Suite struct StoredEmailCheckTests {
    @Test func oldAddressesAreRewrittenAndCollisionsAndRefusalsReported() throws {
        let t = try TestStore()
        // Stored as the store was given them, before any parsing.
        let legacy = { (email: String) throws -> Int64 in
            try t.store.createAccount(NewAccount(email: email, displayName: "x", passwordHash: "h", confirmed: true,
                                                 createdAt: .now)).id
        }
        let upper = try legacy("Ann@Example.COM")
        let idn = try legacy("zoe@exämple.com")
        let plain = try legacy("bob@example.com")
        let wide = try legacy("ｂｏｂ@example.com")  // NFKC makes it bob@example.com
        let mixed = try legacy("eve@exаmple.com")
        let report = try t.auth.accounts.checkStoredEmails()
        #expect(report.rewritten.map { "\($0.id) \($0.new)" } == ["\(upper) Ann@example.com", "\(idn) zoe@xn--exmple-cua.com"])
        #expect(report.collisions.map { [$0.id, $0.with] } == [[wide, plain]])
        #expect(report.refused.map { "\($0.id) \($0.reason)" } == ["\(mixed) \(EmailAddress.Refusal.mixedScripts)"])
        #expect(try t.store.account(id: wide)?.email == "ｂｏｂ@example.com")  // not merged
        #expect(try t.auth.accounts.existingAccount(email: "zoe@exämple.com").id == idn)
        #expect(try t.auth.accounts.checkStoredEmails().rewritten.isEmpty)  // once
    }
}
