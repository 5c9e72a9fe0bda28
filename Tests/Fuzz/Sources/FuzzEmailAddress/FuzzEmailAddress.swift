import AuthTokenCore
import FuzzDriver

/// E-mail addresses, as every sign-in, registration and reset parses them before the
/// throttle: any text is refused with a reason, or gives an address in the one canonical
/// form, within the byte limits, that parses to itself; nothing traps.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEmailAddress(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let address = try? EmailAddress(parsing: text) else { return 0 }
    precondition(text.utf8.count <= EmailAddress.maxInputBytes, "accepted over the input limit")
    precondition(address.value.utf8.count <= 254, "over 254 bytes")
    precondition(EmailAddress.isCanonical(address.value), "not canonical")
    let domain = address.value.split(separator: "@")[1]
    for label in domain.split(separator: ".") {
        precondition(label.utf8.count <= 63 && label.utf8.allSatisfy { $0 < 0x80 }, "label not short ASCII")
    }
    return 0
}

@_cdecl("FuzzEmailAddress_main")
func entryPoint(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    fuzz_driver_main(argc, argv)
}
