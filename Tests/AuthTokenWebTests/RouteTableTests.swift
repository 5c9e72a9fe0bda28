import AuthTokenWeb
import Foundation
import Testing

/// The route table: its 405 answers, and nginx passing exactly its pages.
@Suite struct RouteTableTests {
    static let methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]

    @Test func everyPublicOrSignedInRouteAnswersOtherMethodsWith405AndItsAllow() throws {
        let b = try BrowserHarness()
        try b.addAccount("ann@example.com")
        b.signIn("ann@example.com", "password1")
        var checked = 0
        for route in WebApp.routes where route.access == .public || route.access == .signedIn {
            for method in Self.methods where !route.methods.contains(method) {
                let response = b.send(method, route.path)
                #expect(response.status == 405, "\(method) \(route.path)")
                #expect(response.header("Allow") == route.allow, "\(method) \(route.path)")
                checked += 1
            }
        }
        #expect(checked > 100)
    }

    /// Access is the table's: every method of every signed-in route sends a signed-out
    /// visitor to sign in, and answers a POST without the session's form token with 403,
    /// whatever its handler does. A new signed-in route is covered the day it is added.
    @Test func everySignedInRouteIsGuardedByTheTableAlone() throws {
        let b = try BrowserHarness()
        try b.addAccount("ann@example.com")
        let signedIn = WebApp.routes.filter { $0.access == .signedIn }
        #expect(signedIn.count >= 15)
        var checked = 0
        for route in signedIn {
            for method in route.methods {
                let response = b.send(method, route.path, form: [("id", "1")])
                #expect([302, 303].contains(response.status), "\(method) \(route.path) signed out")
                #expect(response.header("Location")?.hasPrefix("/signin") == true, "\(method) \(route.path) signed out")
                checked += 1
            }
        }
        b.signIn("ann@example.com", "password1")
        for route in signedIn where route.methods.contains("POST") {
            let response = b.send("POST", route.path, form: [("id", "1")])
            #expect(response.status == 403, "POST \(route.path) without a form token")
            #expect(response.bodyText.contains("Form expired"), "POST \(route.path) without a form token")
            checked += 1
        }
        #expect(b.get("/tokens").status == 200)  // still signed in: no POST above signed out
        #expect(checked > 30)
    }

    @Test func allowListsTheTableMethods() {
        let tokens = WebApp.routes.first { $0.path == "/tokens" }
        #expect(tokens?.allow == "GET, POST")
        #expect(WebApp.routes.first { $0.path == "/sessions/end" }?.allow == "POST")
        #expect(WebApp.routes.first { $0.path == "/activity" }?.allow == "GET")
    }

    @Test func pathsAreUnique() {
        let paths = WebApp.routes.map(\.path)
        #expect(Set(paths).count == paths.count)
    }

    @Test func nginxPassesExactlyThePagesOfTheTable() throws {
        let pages = Set(WebApp.routes.filter(\.isPage).map(\.path))
        let nginx = try NginxLocations.pagePaths()
        #expect(nginx.subtracting(pages).sorted() == [], "in nginx, not in the table")
        #expect(pages.subtracting(nginx).sorted() == [], "in the table, not in nginx")
        #expect(pages.count > 20)
    }

    @Test func theCheckTakesEveryMethodAndIsInternal() {
        let check = WebApp.routes.first { $0.path == "/_authtoken/check" }
        #expect(check?.access == .internal)
        #expect(check?.methods == [])
    }
}
