import Mustache

/// A page's typed view model: the template it fills and, as stored properties, the values it
/// shows. swift-mustache reads them through reflection: a property is a `{{name}}`, a nil
/// one is absent (the name is looked up further out, as a missing key was), an array is a
/// list section. Every value is rendered with `{{ }}`, which HTML-escapes it.
protocol PageModel {
    /// The template's name (a computed property: reflection does not see it).
    var template: String { get }
}

/// What every page knows about its viewer, above the page's own values (the layout's
/// navigation, the sign-out form, the pre-session form token).
struct Viewer {
    let signedIn: Bool
    let registration: Bool
    var email: String?
    var csrf: String?
    var isAdmin: Bool?
    var formToken: String?
}

/// The root of a rendering: the viewer's values first, then the page's, as one context.
struct PageContext: MustacheParent {
    let viewer: Viewer
    let model: Any

    func child(named name: String) -> Any? {
        Self.field(name, of: viewer) ?? Self.field(name, of: model)
    }

    /// A stored property's value, unwrapped; nil when there is none or it is nil (as
    /// swift-mustache reads a struct).
    static func field(_ name: String, of object: Any) -> Any? {
        guard let value = Mirror(reflecting: object).children.first(where: { $0.label == name })?.value else { return nil }
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first?.value
    }
}

