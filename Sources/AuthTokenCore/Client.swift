/// Who is on the other end of a request, as far as the activity log and throttling care:
/// the client address (nginx's `REMOTE_ADDR`) and the user agent, made safe to store.
public struct Client: Sendable, Equatable {
    public let address: String
    public let userAgent: String

    /// Long enough to tell browsers and scripts apart; anything longer is someone's junk.
    public static let maxUserAgent = 200

    /// Control characters are dropped (no forged log lines or terminal escapes in the admin
    /// CLI's output) and both values are cut to a sane length.
    public init(address: String, userAgent: String?) {
        self.address = Self.clean(address, max: 64)
        self.userAgent = Self.clean(userAgent ?? "", max: Self.maxUserAgent)
    }

    /// For callers with no client: the admin CLI, tests.
    public static let unknown = Client(address: "", userAgent: nil)

    static func clean(_ text: String, max: Int) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where scalar.properties.generalCategory != .control {
            scalars.append(scalar)
        }
        return String(String(scalars).prefix(max))
    }
}
