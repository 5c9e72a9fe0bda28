import AuthTokenCore
import Testing

/// RFC 4515 section 3: the five characters that change a filter's meaning are escaped, and
/// nothing else is.
@Suite struct DirectoryFilterTests {
    @Test(arguments: [
        ("ann@example.org", "ann@example.org"),
        ("*", "\\2a"),
        ("*)(uid=*", "\\2a\\29\\28uid=\\2a"),
        ("a\\b", "a\\5cb"),
        ("(x)", "\\28x\\29"),
        ("nul\u{0}byte", "nul\\00byte"),
        ("Ärger@example.org", "Ärger@example.org"),
        ("\\2a", "\\5c2a"),
    ])
    func escapesTheFiveSpecialCharacters(value: String, escaped: String) {
        #expect(DirectoryFilter.escape(value) == escaped)
    }

    @Test func theUserFilterGetsTheEscapedAddressEverywhereItIsNamed() {
        #expect(DirectoryFilter.user("(|(mail={email})(userPrincipalName={email}))", email: "a*@x")
            == "(|(mail=a\\2a@x)(userPrincipalName=a\\2a@x))")
        #expect(DirectoryFilter.member("cn=A (B),ou=p") == "(member=cn=A \\28B\\29,ou=p)")
    }
}
