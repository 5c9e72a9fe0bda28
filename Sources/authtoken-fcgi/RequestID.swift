import Foundation
import Lifecycle
import Logging

/// nginx's `$request_id` for the request this thread serves (the FastCGI parameter
/// `AUTHTOKEN_REQUEST_ID`, which scripts/run adds to fastcgi_params), so every log line a
/// request writes carries the id its access-log line has. One request per thread at a
/// time (libfcgi's model), so a thread-local is the request's.
enum RequestID {
    // One key for the process's life, made before the first request (main.swift reads it).
    static let ids: ThreadLocal<NSString> = {
        do { return try ThreadLocal() } catch { fatalError("request ids: \(error)") }
    }()

    /// Sets the id for this thread: 32 hex characters, as nginx makes them; anything else
    /// is dropped (it came from outside).
    static func set(_ value: String?) {
        guard let value, value.utf8.count == 32, value.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else {
            ids.value = nil
            return
        }
        ids.value = value as NSString
    }

    static var current: String? {
        ids.value.map { $0 as String }
    }

    /// Adds `request.id` to every line written while a request is served.
    static let metadataProvider = Logger.MetadataProvider {
        current.map { ["request.id": .string($0)] } ?? [:]
    }
}
