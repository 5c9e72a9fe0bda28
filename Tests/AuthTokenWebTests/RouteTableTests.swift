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
