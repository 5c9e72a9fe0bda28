import FastCGI
import Testing

@Suite struct ListenAddressTests {
    @Test func inheritedDescriptorsParseStrictly() {
        #expect(ListenAddress("fd:0") == .inherited)
        #expect(ListenAddress("fd:3") == .descriptor(3))
        #expect(ListenAddress("fd:4")?.description == "fd:4")
        for bad in ["fd:", "fd:1", "fd:2", "fd:-3", "fd:3x", "fd: 3", "fd:1024", "fd:+3"] {
            #expect(ListenAddress(bad) == nil, "\(bad)")
        }
    }
}
