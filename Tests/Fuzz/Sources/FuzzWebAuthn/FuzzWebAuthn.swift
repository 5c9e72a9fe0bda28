import FuzzDriver
import WebAuthn

/// What a browser relays from a security key: the CBOR of an attestation object, a COSE
/// key, authenticator data. Any bytes are refused with a reason or decoded within the
/// limits; nothing traps, nothing reads past the end, and an item decoded from a prefix
/// says how much it used.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebAuthn(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let (_, used) = try? CBORDecoder.decodePrefix(bytes[...]) {
        precondition(used >= 1 && used <= bytes.count, "used \(used) of \(bytes.count)")
        precondition((try? CBORDecoder.decode(Array(bytes[..<used]))) != nil, "a prefix that decodes alone does not")
    }
    _ = try? COSEKey(encoded: bytes)
    _ = try? AuthenticatorData(bytes)
    let rp = RelyingParty(publicURL: "https://tokens.example.com")!
    _ = try? rp.verifyRegistration(clientDataJSON: [], attestationObject: bytes, challenge: [1])
    return 0
}

@_cdecl("FuzzWebAuthn_main")
func entryPoint(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    fuzz_driver_main(argc, argv)
}
