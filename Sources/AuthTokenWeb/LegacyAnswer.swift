import Foundation

/// The legacy answer body: a Java `.properties` file as `Properties.store()` writes it.
///
/// Clients split it on LF and read fixed line numbers, so it is always exactly four lines
/// and a final LF, HTTP 200 whatever the outcome:
///
///     #
///     #Wed Feb 29 03:07:33 PST 2012
///     AUTHTOKEN=bad18eba1ff45jk7858b8ae88a77fa30    (or CAUSE=INVALID_PASSWORD)
///     RESULT=TRUE                                   (or RESULT=FALSE)
public enum LegacyAnswer: Sendable, Equatable {
    case token(String)
    case cause(LegacyCause)
    /// `/apiauthtoken/delete` succeeded. The key line is ours (see docs/api.md): the
    /// contract fixes only the four-line shape and `RESULT=TRUE`.
    case deleted

    public func body(date: String) -> String {
        switch self {
        case .token(let token): "#\n#\(date)\nAUTHTOKEN=\(token)\nRESULT=TRUE\n"
        case .cause(let cause): "#\n#\(date)\nCAUSE=\(cause.rawValue)\nRESULT=FALSE\n"
        case .deleted: "#\n#\(date)\nAUTHTOKEN_DELETED=TRUE\nRESULT=TRUE\n"
        }
    }

    /// The HTTP answer: always 200, plain text, never cached.
    public func response(at date: Date) -> HTTPResponse {
        HTTPResponse(
            status: 200,
            headers: [("Content-Type", "text/plain; charset=UTF-8"), ("Cache-Control", "no-store")],
            body: Array(body(date: JavaDate.localString(from: date)).utf8), outcome: outcome)
    }

    /// The metrics' outcome label: `token`, the cause, or `200` for a deletion.
    var outcome: String {
        switch self {
        case .token: "token"
        case .cause(let cause): cause.rawValue
        case .deleted: "200"
        }
    }
}
