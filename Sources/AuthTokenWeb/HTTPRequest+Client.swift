import AuthTokenCore

extension HTTPRequest {
    /// The client as the core logs and throttles it: nginx's address and the user agent.
    public var client: Client { Client(address: remoteAddress, userAgent: headers["user-agent"]) }
}
