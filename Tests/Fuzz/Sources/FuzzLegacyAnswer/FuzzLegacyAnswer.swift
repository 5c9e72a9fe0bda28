import FuzzDriver
import Foundation
@testable import AuthTokenWeb

/// The answer encoder: for any instant and any cause or token-shaped value, the body keeps
/// the shape clients parse — five pieces when split on LF, `#` first, RESULT last.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLegacyAnswer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard bytes.count >= 9 else { return 0 }
    let seconds = bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
    let instant = Date(timeIntervalSince1970: Double(Int64(bitPattern: seconds)))
    let causes = LegacyCause.allCases
    let hex = bytes[8...].prefix(16).map { String($0, radix: 16) }.joined()
    let answer: LegacyAnswer = bytes[8] % 2 == 0
        ? .cause(causes[Int(bytes[8]) % causes.count])
        : .token(String(hex.prefix(32)))
    let body = answer.response(at: instant).bodyText
    let pieces = body.split(separator: "\n", omittingEmptySubsequences: false)
    precondition(pieces.count == 5 && pieces[0] == "#" && pieces[4].isEmpty, body)
    precondition(pieces[3] == "RESULT=TRUE" || pieces[3] == "RESULT=FALSE", body)
    return 0
}

@_cdecl("FuzzLegacyAnswer_main")
func entryPoint(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    fuzz_driver_main(argc, argv)
}
