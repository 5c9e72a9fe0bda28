import AuthTokenCore
import Testing

@Suite struct ScopeListTests {
    let scopes = try! ScopeList(ScopeList.defaults)

    @Test func resolvesExactAndCaseInsensitiveNames() throws {
        #expect(try scopes.resolve("ZohoRecruit/recruitapi") == ["ZohoRecruit/recruitapi"])
        #expect(try scopes.resolve("zohocrm/CRMAPI") == ["ZohoCRM/crmapi"])
    }

    @Test func resolvesSeveralScopesWithoutDuplicates() throws {
        #expect(try scopes.resolve("ZohoProjects/projectsapi, ZohoPC/docsapi,ZohoPC/docsapi")
            == ["ZohoProjects/projectsapi", "ZohoPC/docsapi"])
    }

    @Test func resolvesABareApiName() throws {
        #expect(try scopes.resolve("invoiceapi") == ["ZohoInvoice/invoiceapi"])
    }

    @Test func refusesMissingMalformedAndUnknownScopes() {
        #expect(throws: ScopeError.missing) { try scopes.resolve(nil) }
        #expect(throws: ScopeError.missing) { try scopes.resolve("") }
        #expect(throws: ScopeError.malformed("a/b/c")) { try scopes.resolve("a/b/c") }
        #expect(throws: ScopeError.malformed("ZohoCRM/crmapi,")) { try scopes.resolve("ZohoCRM/crmapi,") }
        #expect(throws: ScopeError.malformed("x'; DROP TABLE token;--")) { try scopes.resolve("x'; DROP TABLE token;--") }
        #expect(throws: ScopeError.unknown("ZohoMail/mailapi")) { try scopes.resolve("ZohoMail/mailapi") }
        #expect(throws: ScopeError.unknown("mailapi")) { try scopes.resolve("mailapi") }
    }

    /// Two configured services with the same api name: the bare name could mean either, so
    /// it is refused rather than read as the first; the full names still work.
    @Test func refusesABareApiNameThatTwoScopesShare() throws {
        let shared = try ScopeList(["ZohoCRM/crmapi", "ZohoBigin/crmapi", "ZohoPC/docsapi"])
        #expect(throws: ScopeError.unknown("crmapi")) { try shared.resolve("crmapi") }
        #expect(throws: ScopeError.unknown("CRMAPI")) { try shared.resolve("docsapi,CRMAPI") }
        #expect(try shared.resolve("ZohoBigin/crmapi") == ["ZohoBigin/crmapi"])
        #expect(try shared.resolve("docsapi") == ["ZohoPC/docsapi"])
    }

    @Test func refusesAMalformedConfiguredList() {
        #expect(throws: ScopeError.malformed("nonsense")) { try ScopeList(["ZohoCRM/crmapi", "nonsense"]) }
        #expect(throws: ScopeError.missing) { try ScopeList([]) }
    }
}
