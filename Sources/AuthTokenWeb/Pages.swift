import Foundation
import Mustache

/// The HTML templates, read once at start from `<www>/templates/*.mustache`.
///
/// Mustache's `{{name}}` HTML-escapes, and nothing here ever uses `{{{name}}}` or `{{&name}}`
/// for data a person typed; `PagesTests` checks the templates for that.
public struct Pages: Sendable {
    let library: MustacheLibrary

    /// Every page the web layer renders; start-up stops if one is missing.
    public static let names = [
        "layout", "signin", "register", "registered", "confirm", "message", "tokens",
        "token-created", "token-remove", "token-regenerate", "browser-confirm", "developer",
        "signin-code", "twofactor", "twofactor-setup", "twofactor-codes", "twofactor-key", "twofactor-key-remove", "app-passwords", "app-password-created",
        "activity", "password", "forgot", "reset", "sessions", "expiry-choice", "admin-accounts", "admin-account",
        "admin-confirm", "admin-tokens", "admin-app-passwords", "admin-activity", "admin-nav", "admin-overview",
        "chart", "token-usage",
    ]

    /// Loads the templates from `directory` (the `templates` folder inside the www folder).
    public init(directory: String) throws(PagesError) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), isFolder.boolValue else {
            throw PagesError("no templates folder at \(directory)")
        }
        var templates: [String: MustacheTemplate] = [:]
        for name in Self.names {
            let path = "\(directory)/\(name).mustache"
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw PagesError("cannot read \(path)")
            }
            do {
                templates[name] = try MustacheTemplate(string: text)
            } catch {
                throw PagesError("\(path): \(error)")
            }
        }
        library = MustacheLibrary(templates: templates)
    }

    /// Renders the template `name` with a page's view model and its viewer.
    func render(_ name: String, _ context: PageContext) -> String {
        library.render(context, withTemplate: name) ?? ""
    }
}

public struct PagesError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
