import AuthTokenConfig
import AuthTokenCore
import AuthTokenSQLite
import AuthTokenWeb
import FastCGI
import Foundation
import Logging

// Block SIGTERM/SIGINT before anything can start a thread; the server takes them with sigwait
// on this, the main thread. (main stays synchronous: see AppConfiguration.loadBlocking.)
let signals = TerminationSignals()

PasswordHasher.returnMemoryAfterEachHash()

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

LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
    return handler
}
let logger = Logger(label: "authtoken")

do {
    let store = try SQLiteStore(path: configuration.databasePath, readers: configuration.threads)
    let auth = AuthService(store: store, settings: configuration.auth)
    let app = WebApp(auth: auth, logger: logger, browser: browser)
    let server = FastCGIServer(
        configuration: .init(
            address: configuration.listen, threads: configuration.threads,
            maxBodyBytes: configuration.maxBodyBytes, shutdownGrace: configuration.shutdownGraceSeconds),
        handler: { app.handle(HTTPRequest(cgi: $0.params, body: $0.body, notUTF8: $0.notUTF8)).fastCGI })
    auth.usage.startFlushing { error in
        logger.error("cannot record token use", metadata: ["error": "\(error)"])
    }
    let result = try server.run(until: signals) {
        logger.info("listening", metadata: [
            "address": "\(configuration.listen)", "threads": "\(configuration.threads)",
            "database": "\(configuration.databasePath)",
        ])
    }
    try auth.usage.stopFlushing()
    logger.info(
        result.requestsFinished ? "stopped" : "stopped with requests still running after the grace period",
        metadata: ["workersExited": "\(result.workersExited)"])
    exit(0)
} catch {
    logger.critical("cannot start", metadata: ["error": "\(error)"])
    exit(1)
}
