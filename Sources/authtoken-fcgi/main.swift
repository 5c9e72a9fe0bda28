import AuthTokenConfig
import AuthTokenCore
import AuthTokenLDAP
import AuthTokenBackends
import AuthTokenWeb
import FastCGI
import Foundation
import HTTPCheck
import Lifecycle
import Logging

// Block SIGTERM/SIGINT before anything can start a thread; the server takes them with sigwait
// on this, the main thread. (main stays synchronous: see AppConfiguration.loadBlocking.)
let signals = TerminationSignals()
// Whatever this process creates (the SQLite database, its -wal and -shm files) is its
// owner's alone; the sockets are given their mode (AUTHTOKEN_SOCKET_MODE) explicitly.
umask(0o077)

let configuration: AppConfiguration
do {
    configuration = try AppConfiguration.loadBlocking()
} catch {
    FileHandle.standardError.write(Data("authtoken-fcgi: \(error)\n".utf8))
    exit(2)
}

// The templates are read once, now: a server that cannot render its pages must not start.
let pages: Pages
do {
    pages = try Pages(directory: configuration.browser.templatesDirectory)
} catch {
    FileHandle.standardError.write(Data("authtoken-fcgi: configuration: AUTHTOKEN_WWW_DIR: \(error)\n".utf8))
    exit(2)
}
let browser = BrowserSettings(
    pages: pages, secureCookies: configuration.browser.secureCookies,
    registration: configuration.browser.registration, publicURL: configuration.browser.publicURL,
    mailer: configuration.browser.sendmail.map { .command($0) } ?? .log)

LoggingSystem.bootstrap({ label, provider in
    let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
    if configuration.logFormat == "json" {
        return JSONLogHandler(label: label, logLevel: level, metadataProvider: provider)
    }
    var handler = StreamLogHandler.standardError(label: label, metadataProvider: provider)
    handler.logLevel = level
    return handler
}, metadataProvider: RequestID.metadataProvider)
let logger = Logger(label: "authtoken")
// Mailed links come from the configuration alone, never from a request's Host.
if configuration.browser.publicURL == nil {
    logger.warning("""
        AUTHTOKEN_PUBLIC_URL is not set: no mail with a link is sent (registration, password reset); \
        set AUTHTOKEN_PUBLIC_URL to the URL browsers reach this server at, e.g. https://tokens.example.com
        """)
}

do {
    let store = try Backend.open(
        configuration.databasePath, threads: configuration.threads + configuration.checkThreads, primaryWait: configuration.primaryWaitSeconds)
    let directory = configuration.auth.directory.map { LDAPDirectory(settings: $0) }
    let auth = AuthService(store: store, settings: configuration.auth, directory: directory)
    // Addresses stored before EmailAddress: rewritten once, collisions and refusals reported.
    let emails = try auth.accounts.checkStoredEmails()
    for (id, old, new) in emails.rewritten {
        logger.notice("account address rewritten to its parsed form", metadata: ["account.id": "\(id)", "old": "\(old)", "new": "\(new)"])
    }
    for (id, other) in emails.collisions {
        logger.warning("account address means the same as another account's; left as it was (authtoken-admin user check-emails)",
                       metadata: ["account.id": "\(id)", "other.account.id": "\(other)"])
    }
    for (id, email, reason) in emails.refused {
        logger.warning("account address is refused by the address rules; it cannot sign in until renamed",
                       metadata: ["account.id": "\(id)", "email": "\(email)", "reason": "\(reason)"])
    }
    let metrics = MetricsExporter(auth: auth)
    let app = WebApp(auth: auth, logger: logger, browser: browser, metrics: { metrics.text() })
    // The core's notices leave through the pages' mailer; before the sweeper starts, since its
    // first round may send reminders (one marked sent with no way out was dropped for good).
    app.deliverNotices()
    let adapt: @Sendable (FastCGIRequest) -> HTTPRequest = {
        RequestID.set($0.params["AUTHTOKEN_REQUEST_ID"])
        return HTTPRequest(cgi: $0.params, body: $0.body, notUTF8: $0.notUTF8)
    }
    // Two listeners, two sets of threads: the token check's capacity is its own, so a flood
    // of password work (which queues on the main listener) can never make it wait. The check
    // listens over HTTP with kept connections or over FastCGI (AUTHTOKEN_CHECK_LISTEN); one
    // handler answers on both.
    let checkServer: any BackgroundTask
    let checkStopped: () -> (requestsFinished: Bool, workersExited: Bool)?
    switch configuration.checkListen {
    case .http(let address):
        let server = HTTPCheckServer(
            configuration: .init(
                address: address, threads: configuration.checkThreads,
                maxConnections: configuration.checkMaxConnections, idleTimeout: configuration.checkIdleSeconds,
                shutdownGrace: configuration.shutdownGraceSeconds),
            handler: {
                RequestID.set($0.headers["x-request-id"])
                return app.handleCheckListener(HTTPRequest(check: $0)).httpCheck
            })
        checkServer = server
        checkStopped = { server.stopResult.map { ($0.requestsFinished, $0.workersExited) } }
    case .fastCGI(let address):
        let server = FastCGIServer(
            configuration: .init(
                address: address, threads: configuration.checkThreads,
                maxBodyBytes: configuration.maxBodyBytes, shutdownGrace: configuration.shutdownGraceSeconds),
            handler: { app.handleCheckListener(adapt($0)).fastCGI })
        checkServer = server
        checkStopped = { server.stopResult.map { ($0.requestsFinished, $0.workersExited) } }
    }
    let mainServer = FastCGIServer(
        configuration: .init(
            address: configuration.listen, threads: configuration.threads,
            maxBodyBytes: configuration.maxBodyBytes, shutdownGrace: configuration.shutdownGraceSeconds,
            niceness: 5),  // pages and API mode give way to the check; hashing (nice 10) to both
        handler: { app.handle(adapt($0)).fastCGI })
    // Started in this order, stopped in the reverse: what a task relies on runs before it
    // and after it. The main listener stops first, so guarded calls keep being checked while
    // pages finish; the usage flusher stops after both listeners and writes what is pending.
    let tasks = BackgroundTasks([
        auth.hasher.queue,
        UsageFlusher(usage: auth.usage) { error in
            logger.error("cannot record token use", metadata: ["error": "\(error)"])
        },
        RetentionSweeper(auth: auth, period: 600, onSweep: { result in
            switch result {
            case .success(let counts) where counts.total > 0:
                logger.info("expired rows removed", metadata: [
                    "sessions": "\(counts.sessions)", "links": "\(counts.confirmationLinks + counts.passwordResets)",
                    "sign-ins": "\(counts.pendingSignIns)", "activity": "\(counts.activity)",
                    "counters": "\(counts.throttleCounters)", "accounts": "\(counts.unconfirmedAccounts)",
                ])
            case .success: break
            case .failure(let error): logger.error("retention sweep failed", metadata: ["error": "\(error)"])
            }
        }, onReminders: { result in
            switch result {
            case .success(let sent) where sent > 0: logger.info("expiry reminders sent", metadata: ["count": "\(sent)"])
            case .success: break
            case .failure(let error): logger.error("expiry reminders failed", metadata: ["error": "\(error)"])
            }
        }),
        checkServer,
        mainServer,
    ] + directoryTasks(auth, configuration.auth.directory, logger))
    try tasks.start()
    let queue = configuration.auth.passwordQueue
    logger.info("listening", metadata: [
        "address": "\(configuration.listen)", "threads": "\(configuration.threads)",
        "check.address": "\(configuration.checkListen)", "check.threads": "\(configuration.checkThreads)",
        "password.threads": "\(queue.threads)", "password.queue": "\(queue.maxWaiting)",
        "database": "\(Backend.describe(configuration.databasePath))",
    ])
    signals.wait()
    tasks.stop()
    let results = [mainServer.stopResult.map { ($0.requestsFinished, $0.workersExited) }, checkStopped()].compactMap { $0 }
    let finished = results.allSatisfy(\.0)
    logger.info(
        finished ? "stopped" : "stopped with requests still running after the grace period",
        metadata: ["workersExited": "\(results.allSatisfy(\.1))"])
    exit(0)
} catch {
    logger.critical("cannot start", metadata: ["error": "\(error)"])
    exit(1)
}
