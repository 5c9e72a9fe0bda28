import Testing
import AuthTokenTestKit
import WebAuthn

@Suite struct CBORDecoderTests {
    @Test func decodesTheSubsetWebAuthnUses() throws {
        // {1: 2, 3: -7, -1: 1, "fmt": "none", "a": [true, false, null], "b": h'0102'}
        let bytes: [UInt8] = [0xa6, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x63, 0x66, 0x6d, 0x74, 0x64, 0x6e, 0x6f, 0x6e, 0x65,
                              0x61, 0x61, 0x83, 0xf5, 0xf4, 0xf6, 0x61, 0x62, 0x42, 0x01, 0x02]
        let item = try CBORDecoder.decode(bytes)
        #expect(item[1]?.integer == 2)
        #expect(item[3]?.integer == -7)
        #expect(item[-1]?.integer == 1)
        #expect(item["fmt"]?.textString == "none")
        #expect(item["a"] == .array([.bool(true), .bool(false), .null]))
        #expect(item["b"]?.byteString == [1, 2])
    }

    @Test func readsEveryIntegerWidthInItsShortestForm() throws {
        #expect(try CBORDecoder.decode([0x18, 0x18]).integer == 24)
        #expect(try CBORDecoder.decode([0x19, 0x01, 0x00]).integer == 256)
        #expect(try CBORDecoder.decode([0x39, 0x01, 0x00]).integer == -257)
        #expect(try CBORDecoder.decode([0x1a, 0x00, 0x01, 0x00, 0x00]).integer == 65536)
        #expect(try CBORDecoder.decode([0x1b, 0, 0, 0, 1, 0, 0, 0, 0]).integer == 1 << 32)
        #expect(try CBORDecoder.decode([0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).integer == nil)
    }

    @Test(arguments: [
        ([0x18, 0x17], CBORError.nonCanonical),                      // 23 in two bytes
        ([0x19, 0x00, 0xff], .nonCanonical),                         // 255 in three
        ([0x1a, 0x00, 0x00, 0xff, 0xff], .nonCanonical),
        ([0x1b, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff], .nonCanonical),
        ([0x58, 0x01, 0x00], .nonCanonical),                         // a length in a longer form
        ([0x5f, 0x41, 0x00, 0xff], .indefiniteLength),
        ([0x9f, 0x01, 0xff], .indefiniteLength),
        ([0xbf, 0x01, 0x01, 0xff], .indefiniteLength),
        ([0xa2, 0x01, 0x01, 0x01, 0x02], .duplicateKey),
        ([0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02], .duplicateKey),
        ([0x62, 0xff, 0xfe], .invalidText),
        ([0xc0, 0x60], .unsupported(0xc0)),                          // a tag
        ([0xf9, 0x3c, 0x00], .unsupported(0xf9)),                    // a half float
        ([0xfb, 0, 0, 0, 0, 0, 0, 0, 0], .unsupported(0xfb)),
        ([0xf7], .unsupported(0xf7)),                                // undefined
        ([0x1c], .unsupported(0x1c)),                                // reserved
        ([0x42, 0x01], .truncated),
        ([0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], .truncated),  // an absurd length, nothing allocated
        ([0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], .truncated),
        ([0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], .truncated),
        ([0x01, 0x02], .trailingBytes),
        ([], .truncated),
    ] as [([UInt8], CBORError)])
    func refusesWhatIsNotStrictCBOR(bytes: [UInt8], error: CBORError) {
        #expect(throws: error) { try CBORDecoder.decode(bytes) }
    }

    @Test func limitsDepthSizeAndItems() {
        #expect(throws: CBORError.tooDeep) { try CBORDecoder.decode([UInt8](repeating: 0x81, count: 8) + [0x01]) }
        #expect(throws: Never.self) { try CBORDecoder.decode([UInt8](repeating: 0x81, count: 7) + [0x01]) }
        let big = CBOREncoder.encode(.bytes([UInt8](repeating: 7, count: 17 * 1024)))
        #expect(throws: CBORError.tooLarge) { try CBORDecoder.decode(big) }
        let many = CBOREncoder.encode(.array([CBOR](repeating: .unsigned(1), count: 1100)))
        #expect(throws: CBORError.tooLarge) { try CBORDecoder.decode(many) }
    }

    @Test func whatTheEncoderWritesDecodesToTheSameItem() throws {
        let item = CBOR.map([
            .init(.int(-2), .bytes([UInt8](repeating: 9, count: 300))), .init(.text("ü"), .array([.int(-70000), .int(1 << 40)])),
        ])
        #expect(try CBORDecoder.decode(CBOREncoder.encode(item)) == item)
    }
}
