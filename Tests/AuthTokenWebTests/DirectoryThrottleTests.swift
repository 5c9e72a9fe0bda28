import AuthTokenCore
import AuthTokenWeb
import Foundation
import Testing

/// Wrong directory passwords in API mode: the local throttle's limit, then the local block
/// answer, the right password refused too; `throttle.unblock(directoryAddress:)` lifts the
/// block of an address with no account yet. A directory that does not answer is busy.
@Suite struct DirectoryThrottleTests {
    static func create(_ b: BrowserHarness, _ email: String, _ password: String) -> String {
        let body = b.post("/apiauthtoken/create", [("EMAIL_ID", email), ("PASSWORD", password), ("SCOPE", "ZohoCRM/crmapi")])
            .bodyText
        return body.split(separator: "\n").first { $0.hasPrefix("CAUSE=") || $0.hasPrefix("AUTHTOKEN=") }
            .map { $0.hasPrefix("AUTHTOKEN=") ? "token" : String($0.dropFirst("CAUSE=".count)) } ?? body
    }

    @Test func wrongDirectoryPasswordsStartTheLocalBlockAndUnblockLiftsIt() throws {
        let directory = MemoryDirectory()
        directory.add("nina@example.org", "Nina", password: "nina-directory-password")
        let b = try BrowserHarness(directory: (MemoryDirectory.settings(), directory))
        _ = try b.addAccount("lou@example.com")
        for (email, password) in [("nina@example.org", "nina-directory-password"), ("lou@example.com", "password1")] {
            for _ in 0..<10 { #expect(Self.create(b, email, "wrong-password-1") == "INVALID_PASSWORD") }
            #expect(Self.create(b, email, password) == "API_REQUEST_BLOCKED")
        }
        #expect(try b.t.store.account(email: "nina@example.org") == nil)
        #expect(try !b.t.auth.throttle.unblock(directoryAddress: "nobody@example.org"))
        #expect(try !b.t.auth.throttle.unblock(directoryAddress: "not an address"))
        #expect(try b.t.auth.throttle.unblock(directoryAddress: "Nina@Example.org"))
        #expect(Self.create(b, "nina@example.org", "nina-directory-password") == "token")
        #expect(try b.t.store.account(email: "nina@example.org")?.origin == .directory)
    }

    @Test func aDirectoryThatDoesNotAnswerIsBusyAndCountsNothing() throws {
        let directory = MemoryDirectory()
        directory.add("otto@example.org", "Otto", password: "otto-directory-password")
        let b = try BrowserHarness(directory: (MemoryDirectory.settings(), directory))
        directory.stop()
        for _ in 0..<12 {
            #expect(Self.create(b, "otto@example.org", "otto-directory-password") == "API_REQUEST_BLOCKED")
        }
        directory.stop(false)
        // Busy answers took their attempts back: nothing was blocked.
        #expect(Self.create(b, "otto@example.org", "otto-directory-password") == "token")
    }
}
