import FuzzDriver
@testable import AuthTokenWeb

/// Query strings and form bodies: any bytes either parse into valid, NUL-free UTF-8 pairs
/// or are refused with a `FormDataError`; nothing traps.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFormData(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let form = try? FormData(parsing: bytes) else { return 0 }
    precondition(form.pairs.count <= FormData.maxPairs)
    for pair in form.pairs {
        precondition(!pair.name.utf8.contains(0) && !pair.value.utf8.contains(0))
        _ = form[pair.name]
    }
    return 0
}

@_cdecl("FuzzFormData_main")
func entryPoint(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    fuzz_driver_main(argc, argv)
}
