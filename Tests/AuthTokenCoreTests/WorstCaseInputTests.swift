@_spi(Testing) import AuthTokenCore
import AuthTokenStore
import AuthTokenTestKit
import Testing

/// The worst inputs found for each parser an outsider reaches, each timed. The bound is
/// generous (a linear parse of these takes a few milliseconds); what it catches is a
/// stall: quadratic Punycode on one 64 KiB label took over a second (issue 20, item 4).
@Suite(.serialized) struct WorstCaseInputTests {
    static let bound = Duration.seconds(2)  // the unbounded parse took 11 s

    /// 64 KiB of text: distinct Han and Hangul letters (3 bytes each), the input that made
    /// Punycode quadratic, since each distinct letter is one more round over the label.
    static let distinctLetters: String = {
        var scalars = String.UnicodeScalarView()
        var han: UInt32 = 0x4E00, hangul: UInt32 = 0xAC00
        while scalars.count < 21_800 {
            scalars.append(Unicode.Scalar(scalars.count.isMultiple(of: 2) ? han : hangul)!)
            if scalars.count.isMultiple(of: 2) { han += 1 } else { hangul += 1 }
        }
        return String(scalars)
    }()

    /// One letter and 30,000 combining marks: one character (grapheme cluster) of 60 KB.
    static let markedLetter = "a" + String(repeating: "\u{0301}", count: 30_000)

    static func timed<T>(_ work: () throws -> T) rethrows -> (T, Duration) {
        let clock = ContinuousClock()
        var result: T?
        let elapsed = try clock.measure { result = try work() }
        return (result!, elapsed)
    }

    static func refusal(_ input: String) -> EmailAddress.Refusal? {
        do { _ = try EmailAddress(parsing: input); return nil } catch { return error }
    }

    @Test(arguments: [
        "a@" + distinctLetters + ".com",  // one huge Unicode label: the issue's attack
        "a@" + distinctLetters,  // no dot at all
        distinctLetters + "@example.com",  // a huge Unicode local part
        "a@" + Array(repeating: String(distinctLetters.prefix(59)), count: 370).joined(separator: ".") + ".com",
        markedLetter + "@example.com",
        "a@" + markedLetter + ".com",
        String(repeating: "🇦", count: 16_000) + "@example.com",  // regional indicators pair up
        String(repeating: " ", count: 65_000) + "a@example.com",  // trimmed spaces
        "a@" + String(repeating: "a.", count: 32_000) + "com",  // many labels
        String(repeating: "@", count: 65_000),
    ])
    func emailAddressRefusesHugeInputAtOnce(_ input: String) {
        let (reason, elapsed) = Self.timed { Self.refusal(input) }
        #expect(reason == .tooLong)
        #expect(elapsed < Self.bound)
    }

    /// The byte limit comes first: over it, the answer is `.tooLong` whatever else is wrong.
    @Test func theByteLimitIsTheFirstRule() throws {
        let limit = EmailAddress.maxInputBytes
        #expect(Self.refusal("a@" + String(repeating: "例", count: 400) + ".jp") == .tooLong)  // 1,205 bytes
        #expect(Self.refusal(String(repeating: "a", count: limit + 1)) == .tooLong)
        #expect(Self.refusal(String(repeating: "a", count: limit)) == .notOneAt)
        // The longest valid addresses, written with 4-byte letters NFKC maps to ASCII,
        // still fit: 64 mathematical bold letters are 256 bytes before NFKC, 64 after.
        let bold = String(repeating: "\u{1D41A}", count: 64)
        #expect(try EmailAddress(parsing: bold + "@example.com").value == String(repeating: "a", count: 64) + "@example.com")
    }

    /// A Unicode label longer than could fit 63 bytes once encoded is refused before
    /// Punycode runs (it writes at least one byte per letter after `xn--`).
    @Test func unicodeLabelsAreLimitedBeforeEncoding() throws {
        #expect(Self.refusal("a@" + String(repeating: "ü", count: 60) + ".de") == .badDomain)
        #expect(Self.refusal("a@" + String(Self.distinctLetters.prefix(60)) + ".kr") == .badDomain)
        #expect(try EmailAddress(parsing: "a@" + String(repeating: "a", count: 40) + "ü.de").value
            == "a@xn--" + String(repeating: "a", count: 40) + "-oge.de")
    }

    @Test(arguments: [
        String(repeating: "crmapi,", count: 9_000) + "crmapi",  // every name valid: all matched
        String(repeating: "ZohoCRM/crmapi,", count: 4_300) + "ZohoCRM/crmapi",
        String(repeating: "a", count: 65_000),
        "ZohoCRM/" + String(repeating: "a", count: 65_000),
        markedLetter,
        String(repeating: " ", count: 65_000) + "crmapi",
        String(repeating: ",", count: 65_000),
    ])
    func scopeListIsLinear(_ parameter: String) throws {
        let scopes = try ScopeList(ScopeList.defaults)
        let (_, elapsed) = Self.timed { try? scopes.resolve(parameter) }
        #expect(elapsed < Self.bound)
    }

    /// Names are limited in bytes as well as characters: one letter with 30,000 combining
    /// marks is one character, and refused with the answer for a too-long name.
    @Test func namesAreLimitedInBytes() throws {
        let t = try TestStore()
        let ann = try t.auth.accounts.addAccount(email: "ann@example.com", displayName: nil, password: "password1", confirmed: true)
        let (token, tokenTime) = try Self.timed {
            try t.auth.tokens.createToken(TokenRequest(
                email: "ann@example.com", password: "password1", scope: "ZohoCRM/crmapi", displayName: Self.markedLetter))
        }
        guard case .failure(let refusal) = token else { Issue.record("a 60 KB name was accepted"); return }
        #expect(refusal == .invalidDisplayName)
        #expect(tokenTime < Self.bound)
        #expect(throws: AccountError.invalidDisplayName) {
            _ = try t.auth.accounts.register(email: "bob@example.com", displayName: Self.markedLetter, password: "password1")
        }
        #expect(throws: AccountError.invalidDisplayName) {
            _ = try t.auth.accounts.addAccount(email: "cy@example.com", displayName: Self.markedLetter, password: "password1", confirmed: true)
        }
        let app = try t.auth.appPasswords.createAppPassword(
            account: ann, name: Self.markedLetter, currentPassword: "password1", client: .unknown)
        guard case .failure(.invalidName) = app else { Issue.record("a 60 KB application password name"); return }
        // The limits themselves: 100 characters in 400 bytes pass; in 401 bytes, not.
        let wide = String(repeating: "😀", count: 100)  // 100 characters, 400 bytes
        #expect(try t.auth.tokens.createToken(TokenRequest(
            email: "ann@example.com", password: "password1", scope: "ZohoCRM/crmapi", displayName: wide)).get()
            .record.displayName == wide)
        guard case .failure(.invalidDisplayName) = try t.auth.tokens.createToken(TokenRequest(
            email: "ann@example.com", password: "password1", scope: "ZohoCRM/crmapi", displayName: "a\u{301}\u{301}" + wide.dropFirst()))
        else { Issue.record("401 bytes accepted"); return }
    }
}
