import Foundation
import Logging

/// nginx's `$request_id` for the request this thread serves (the FastCGI parameter
/// `AUTHTOKEN_REQUEST_ID`, which scripts/run adds to fastcgi_params), so every log line a
/// request writes carries the id its access-log line has. One request per thread at a
/// time (libfcgi's model), so a thread-local is the request's.
enum RequestID {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { if let value = $0 { Unmanaged<NSString>.fromOpaque(value).release() } }
        return key
    }()

    /// Sets the id for this thread: 32 hex characters, as nginx makes them; anything else
    /// is dropped (it came from outside).
    static func set(_ value: String?) {
        if let old = pthread_getspecific(key) { Unmanaged<NSString>.fromOpaque(old).release() }
        guard let value, value.utf8.count == 32, value.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else {
            pthread_setspecific(key, nil)
            return
        }
        pthread_setspecific(key, Unmanaged.passRetained(value as NSString).toOpaque())
    }

    static var current: String? {
        pthread_getspecific(key).map { Unmanaged<NSString>.fromOpaque($0).takeUnretainedValue() as String }
    }

    /// Adds `request.id` to every line written while a request is served.
    static let metadataProvider = Logger.MetadataProvider {
        current.map { ["request.id": .string($0)] } ?? [:]
    }
}
