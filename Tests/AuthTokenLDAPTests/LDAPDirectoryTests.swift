@_spi(Testing) import AuthTokenCore
import AuthTokenLDAP
import AuthTokenStore
import AuthTokenTestKit
import Foundation
import Testing

/// libldap against a real slapd (scripts/ldap-dir), then the core's directory sign-in over it.
@Suite(.serialized) struct LDAPDirectoryTests {
    let directory = TestDirectory.shared
    var people: String { directory.values["base"]! }

    @Test func searchesAndBindsOverLDAPSAndStartTLS() throws {
        for url in [directory.values["url"]!, directory.values["starttls_url"]!] {
            let ldap = LDAPDirectory(settings: directory.settings(url: url))
            let found = try ldap.search(base: people, scope: .subtree, filter: "(mail=alice@example.org)", attributes: ["mail", "cn"])
            #expect(found == [DirectoryEntry(
                dn: "uid=alice,\(people)", attributes: ["mail": ["alice@example.org"], "cn": ["Alice Liddell"]])])
            #expect(try ldap.bind(dn: "uid=alice,\(people)", password: "alice-directory-password"))
            #expect(try !ldap.bind(dn: "uid=alice,\(people)", password: "wrong"))
        }
    }

    @Test func anEscapedInjectionFindsNothing() throws {
        let ldap = LDAPDirectory(settings: directory.settings())
        let template = "(&(objectClass=inetOrgPerson)(mail={email}))"
        let unescaped = template.replacingOccurrences(of: "{email}", with: "*)(uid=*")
        #expect(try ldap.search(base: people, scope: .subtree, filter: unescaped, attributes: ["1.1"]).count == 5)
        let escaped = DirectoryFilter.user(template, email: "*)(uid=*")
        #expect(escaped == "(&(objectClass=inetOrgPerson)(mail=\\2a\\29\\28uid=\\2a))")
        #expect(try ldap.search(base: people, scope: .subtree, filter: escaped, attributes: ["1.1"]).isEmpty)
    }

    @Test func aCertificateFromAnUnknownCAIsRefused() throws {
        for url in [directory.values["url"]!, directory.values["starttls_url"]!] {
            let ldap = LDAPDirectory(settings: directory.settings(url: url, caFile: directory.values["other_ca_file"]!))
            #expect(throws: DirectoryUnavailable.self) { try ldap.bind(dn: "uid=alice,\(people)", password: "alice-directory-password") }
        }
    }

    @Test func theServerAcceptsAnUnauthenticatedBindButTheCoreNeverSignsInWithAnEmptyPassword() throws {
        let ldap = LDAPDirectory(settings: directory.settings())
        // The hazard: slapd here allows unauthenticated binds (`allow bind_anon_cred`), as many servers do.
        #expect(try ldap.bind(dn: "uid=alice,\(people)", password: ""))
        let test = try TestStore(ldap: (directory.settings(), ldap))
        #expect(try test.auth.directory.firstFactor(email: "alice@example.org", password: "", client: Client(address: "127.0.0.1", userAgent: "test")) == "noSuchUser")
        #expect(try test.store.account(email: "alice@example.org") == nil)
    }

    @Test func theFirstSignInProvisionsADirectoryAccount() throws {
        let test = try TestStore(ldap: (directory.settings(), LDAPDirectory(settings: directory.settings())))
        let client = Client(address: "127.0.0.1", userAgent: "test")
        #expect(try test.auth.directory.firstFactor(email: "bob@example.org", password: "bob-directory-password", client: client)
            == "signed in bob@example.org")
        let bob = try #require(try test.store.account(email: "bob@example.org"))
        #expect(bob.origin == .directory && bob.admin && bob.confirmed && bob.active)
        #expect(bob.displayName == "Bob Admin" && bob.passwordHash == Account.noPassword)
        #expect(try test.auth.directory.firstFactor(email: "bob@example.org", password: "nope", client: client) == "wrongPassword")
        #expect(try test.auth.directory.firstFactor(email: "zed@example.org", password: "x-password", client: client) == "noSuchUser")
        #expect(try test.auth.directory.firstFactor(email: "dave@example.org", password: "dave-directory-password", client: client)
            == "wrongPassword")  // locked: ppolicy refuses the bind
        #expect(try test.auth.directory.firstFactor(email: "erin@example.org", password: "erin-directory-password", client: client)
            == "notActive")  // not in the required group
        #expect(try test.store.accounts().map(\.email) == ["bob@example.org"])
    }

    @Test func aLocalAccountWithTheSameAddressIsNotTakenOver() throws {
        let test = try TestStore(ldap: (directory.settings(mode: .directory), LDAPDirectory(settings: directory.settings())))
        let local = try test.auth.accounts.addAccount(
            email: "carol@example.org", displayName: nil, password: "local-password-1", confirmed: true)
        #expect(try test.auth.directory.firstFactor(email: "carol@example.org", password: "carol-directory-password", client: Client(address: "127.0.0.1", userAgent: "test"))
            == "notActive")
        #expect(try test.store.account(id: local.id)?.origin == .local)
    }
}
