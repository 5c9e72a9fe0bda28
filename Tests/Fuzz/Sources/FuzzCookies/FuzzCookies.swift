import FuzzDriver
@testable import AuthTokenWeb

/// The `Cookie` header: any text yields at most a value that was in it, never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCookies(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let header = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let request = HTTPRequest(method: "GET", path: "/tokens", headers: ["cookie": header])
    for name in ["authtoken_session", "__Host-authtoken_session", "authtoken_presession", "authtoken_pending"] {
        if let value = Cookies.value(name, in: request) {
            precondition(value.isEmpty || header.contains(value), "value not from the header")
            precondition(!value.contains(";"), "value spans two cookies")
        }
    }
    return 0
}

@_cdecl("FuzzCookies_main")
func entryPoint(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    fuzz_driver_main(argc, argv)
}
