import FuzzDriver
import Foundation
@testable import AuthTokenWeb
@testable import FastCGI

/// FastCGI parameters as libfcgi hands them over (`NAME=VALUE` C strings), then the CGI
/// variables the web layer reads: any bytes, no trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFastCGIParams(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let entries = UnsafeBufferPointer(start: data, count: size).split(separator: 0, omittingEmptySubsequences: false)
    var strings: [UnsafeMutablePointer<CChar>?] = entries.map { entry in
        let copy = UnsafeMutablePointer<CChar>.allocate(capacity: entry.count + 1)
        for (offset, byte) in entry.enumerated() { copy[offset] = CChar(bitPattern: byte) }
        copy[entry.count] = 0
        return copy
    }
    strings.append(nil)
    defer { strings.forEach { $0?.deallocate() } }
    strings.withUnsafeMutableBufferPointer { envp in
        let (params, notUTF8) = FastCGIServer.params(envp.baseAddress)
        for name in notUTF8 { precondition(params[name] != nil, "a repaired name that is not a parameter") }
        let request = HTTPRequest(cgi: params, body: [], notUTF8: notUTF8)
        _ = request.hasFormBody
        _ = WebApp.checkInput(uri: request.headers["x-original-uri"], authorization: request.headers["authorization"])
    }
    return 0
}

@_cdecl("FuzzFastCGIParams_main")
func entryPoint(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    fuzz_driver_main(argc, argv)
}
