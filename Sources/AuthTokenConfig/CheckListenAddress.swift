import FastCGI
import Foundation
import HTTPCheck

/// Where and how the token check listens (`AUTHTOKEN_CHECK_LISTEN`): over HTTP/1.1 with
/// kept connections (`http+unix:/path`, `http://host:port`), nginx's `proxy_pass`; or over
/// FastCGI (`unix:/path`, `host:port`, `fd:N`, `stdin`), nginx's `fastcgi_pass`. The same
/// handler answers on either (docs/guarding.md).
public enum CheckListenAddress: Sendable, Equatable, CustomStringConvertible {
    case http(HTTPListenAddress)
    case fastCGI(ListenAddress)

    public init?(_ text: String, socketMode: mode_t) {
        if text.hasPrefix("http") {
            guard let address = HTTPListenAddress(text, socketMode: socketMode) else { return nil }
            self = .http(address)
        } else {
            guard let address = ListenAddress(text, socketMode: socketMode) else { return nil }
            self = .fastCGI(address)
        }
    }

    public var description: String {
        switch self {
        case .http(let address): address.description
        case .fastCGI(let address): address.description
        }
    }

    /// The Unix socket path, if it is one: the check's and the main listener's must differ.
    var socketPath: String? {
        switch self {
        case .http(.unix(let path, _)), .fastCGI(.unix(let path, _)): path
        default: nil
        }
    }
}
