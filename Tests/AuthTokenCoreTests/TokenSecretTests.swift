import AuthTokenCore
import Testing

@Suite struct TokenSecretTests {
    @Test func isThirtyTwoLowerCaseHexAndUnique() {
        let tokens = (0..<1000).map { _ in TokenSecret.generate().value }
        #expect(tokens.allSatisfy(TokenSecret.isWellFormed))
        #expect(Set(tokens).count == 1000)
    }

    @Test func digestIsSHA256Hex() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        #expect(TokenSecret.digest(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func hintShowsOnlyTheLastFourCharacters() {
        #expect(TokenSecret(value: "df82957e4c13f2d9a1efd2788bf6baa0").hint == "…baa0")
    }

    @Test func wellFormedMeansExactlyThirtyTwoLowerHex() {
        #expect(TokenSecret.isWellFormed("df82957e4c13f2d9a1efd2788bf6baa0"))
        #expect(!TokenSecret.isWellFormed("DF82957E4C13F2D9A1EFD2788BF6BAA0"))
        #expect(!TokenSecret.isWellFormed("df82957e4c13f2d9a1efd2788bf6baa"))
        #expect(!TokenSecret.isWellFormed("bad18eba1ff45jk7858b8ae88a77fa30"))
    }
}
