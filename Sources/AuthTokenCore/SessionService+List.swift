import AuthTokenStore
import Foundation

/// The sessions page: a person's signed-in browsers, and ending them.
///
/// A session is named on the page by a handle, the first 16 hex digits of its digest:
/// enough to tell them apart, and no more than the page needs (the digest itself cannot
/// sign anyone in either; only the cookie's value can).
extension SessionService {
    public struct SessionEntry: Sendable, Equatable {
        public let handle: String
        public let createdAt: Date
        public let lastSeenAt: Date
        public let address: String
        public let userAgent: String
        public let isCurrent: Bool
    }

    static func handle(_ digest: String) -> String { String(digest.prefix(16)) }

    /// The account's live sessions, the asking one marked, most recently seen first.
    public func list(of session: WebSession) throws -> [SessionEntry] {
        let time = now()
        let limits = settings.sessions
        return try store.sessions(accountID: session.account.id).filter {
            time.timeIntervalSince($0.lastSeenAt) < limits.idleTimeout
                && time.timeIntervalSince($0.createdAt) < limits.absoluteTimeout
        }.map {
            SessionEntry(handle: Self.handle($0.digest), createdAt: $0.createdAt, lastSeenAt: $0.lastSeenAt,
                         address: $0.address, userAgent: $0.userAgent, isCurrent: $0.digest == session.digest)
        }
    }

    /// Ends one of the account's sessions by its handle; false when none has it (or it is
    /// the asking one, which signs out instead).
    public func endSession(handle: String, of session: WebSession, client: Client) throws -> Bool {
        guard handle.count == 16, handle.allSatisfy(\.isHexDigit),
              let target = try store.sessions(accountID: session.account.id).first(where: { Self.handle($0.digest) == handle }),
              target.digest != session.digest, try store.deleteSession(digest: target.digest)
        else { return false }
        try log(.sessionsEnded, accountID: session.account.id, client: client,
                detail: "one session (\(target.userAgent.isEmpty ? "unknown browser" : Self.browserName(target.userAgent)))")
        return true
    }

    /// Ends every session of the account but the asking one; how many ended.
    public func endOtherSessions(of session: WebSession, client: Client) throws -> Int {
        let ended = try store.deleteSessions(accountID: session.account.id, except: session.digest)
        if ended > 0 {
            try log(.sessionsEnded, accountID: session.account.id, client: client, detail: "\(ended) other sessions")
        }
        return ended
    }

    /// A short name for a user agent: the browser and the system, as far as they show.
    public static func browserName(_ userAgent: String) -> String {
        let browsers = [("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
                        ("Chromium/", "Chromium"), ("Safari/", "Safari"), ("curl/", "curl")]
        let systems = [("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
                       ("Mac OS X", "macOS"), ("Linux", "Linux")]
        let browser = browsers.first { userAgent.contains($0.0) }?.1
        let system = systems.first { userAgent.contains($0.0) }?.1
        switch (browser, system) {
        case let (b?, s?): return "\(b) on \(s)"
        case let (b?, nil): return b
        case let (nil, s?): return "a browser on \(s)"
        case (nil, nil): return String(userAgent.prefix(40))
        }
    }
}
