import AuthTokenCore
import Foundation
import Logging

/// What the page controllers are made of, handed to each by the dispatcher: the core's
/// services, the renderer, the log and the clock. Each controller keeps only what it uses.
struct PageKit: Sendable {
    let auth: AuthService
    let view: PageRenderer
    let logger: Logger
    let now: @Sendable () -> Date

    var browser: BrowserSettings { view.browser }
}
