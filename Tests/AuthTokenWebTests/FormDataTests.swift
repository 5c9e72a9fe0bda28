import AuthTokenWeb
import Testing

@Suite struct FormDataTests {
    @Test func decodesPlusPercentAndUTF8() throws {
        let form = try FormData(parsing: "EMAIL_ID=ann%2Btag%40example.com&PASSWORD=a+b%26c%3Dd%25&NAME=%C3%BC%E5%AF%86")
        #expect(form["EMAIL_ID"] == "ann+tag@example.com")
        #expect(form["PASSWORD"] == "a b&c=d%")
        #expect(form["NAME"] == "ü密")
    }

    @Test func keepsRawUTF8AndTheFirstOfRepeatedNames() throws {
        let form = try FormData(parsing: Array("A=ü&A=second&&B&C=".utf8))
        #expect(form["A"] == "ü")
        #expect(form["B"] == "")
        #expect(form["C"] == "")
        #expect(form["D"] == nil)
        #expect(form.pairs.count == 4)
    }

    @Test func refusesBrokenInput() {
        #expect(throws: FormDataError.badPercentEncoding) { try FormData(parsing: "A=%zz") }
        #expect(throws: FormDataError.badPercentEncoding) { try FormData(parsing: "A=%4") }
        #expect(throws: FormDataError.badPercentEncoding) { try FormData(parsing: "A=%") }
        #expect(throws: FormDataError.invalidUTF8) { try FormData(parsing: "A=%C3%28") }
        #expect(throws: FormDataError.invalidUTF8) { try FormData(parsing: [UInt8(ascii: "A"), UInt8(ascii: "="), 0xff]) }
        #expect(throws: FormDataError.nulByte) { try FormData(parsing: "A=x%00y") }
    }

    @Test func limitsTheNumberOfParameters() throws {
        let many = (0..<300).map { "p\($0)=1" }.joined(separator: "&")
        #expect(throws: FormDataError.tooManyParameters) { try FormData(parsing: many) }
        let enough = (0..<FormData.maxPairs).map { "p\($0)=1" }.joined(separator: "&")
        #expect(try FormData(parsing: enough).pairs.count == FormData.maxPairs)
    }

    @Test func queryValuesComeBeforeBodyValues() throws {
        let merged = try FormData(parsing: "SCOPE=a").merging(FormData(parsing: "SCOPE=b&X=1"))
        #expect(merged["SCOPE"] == "a")
        #expect(merged["X"] == "1")
    }
}
