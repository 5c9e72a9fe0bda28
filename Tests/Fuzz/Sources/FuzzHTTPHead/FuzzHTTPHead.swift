import FuzzDriver
import Foundation
@testable import AuthTokenWeb
@testable import HTTPCheck

/// Bytes as a client could send them to the HTTP check listener: the strict parser never
/// traps, reads the same request whether the bytes come at once or in two reads, and what
/// it accepts is clean (lower-case token names, no CR, LF or NUL in values, an origin-form
/// target); then the check reads its token and scope from it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPHead(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    var scanned = 0
    let whole = HTTPHead.parse(bytes, scanned: &scanned)
    // The same bytes in two reads, cut where the first byte says.
    let cut = bytes.isEmpty ? 0 : Int(data[0]) * bytes.count / 256
    var resumed = 0
    let first = HTTPHead.parse(Array(bytes[..<cut]), scanned: &resumed)
    precondition(resumed <= cut, "scanned past the bytes")
    switch first {
    case .incomplete:
        precondition(HTTPHead.parse(bytes, scanned: &resumed) == whole, "a second read changed the request")
    case .request, .refused:
        precondition(first == whole, "more bytes changed an earlier decision")
    }
    if case .request(let request, let length) = whole {
        precondition(length <= bytes.count && length <= HTTPLimits().maxHeadBytes)
        precondition(request.target.hasPrefix("/") && request.headers.count <= HTTPLimits().maxHeaderCount)
        for (name, value) in request.headers {
            precondition(!name.isEmpty && name == name.lowercased() && !name.contains(":"))
            precondition(!value.utf8.contains { $0 == 13 || $0 == 10 || $0 == 0 }, "a control byte in a value")
        }
        precondition(request.headers["transfer-encoding"] == nil)
        precondition(request.headers["content-length"].map { $0 == "0" } ?? true)
        _ = WebApp.checkInput(uri: request.headers["x-original-uri"], authorization: request.headers["authorization"])
    }
    return 0
}

@_cdecl("FuzzHTTPHead_main")
func entryPoint(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    fuzz_driver_main(argc, argv)
}
