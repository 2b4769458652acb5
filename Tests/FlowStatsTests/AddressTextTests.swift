@testable import FlowStats
import FlowStatsTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The address text is written digit by digit; libc's `inet_ntop` is the reference.
@Suite struct AddressTextTests {
    /// `inet_ntop` of the 16 bytes of `address` (IPv6), or of its low 4 bytes (IPv4).
    static func libcText(_ address: IPAddress, family: Int32) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: address.high >> (56 - 8 * i))
            bytes[8 + i] = UInt8(truncatingIfNeeded: address.low >> (56 - 8 * i))
        }
        var text = [CChar](repeating: 0, count: 64)
        let source = family == AF_INET ? Array(bytes[12...]) : bytes
        let result = source.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &text, socklen_t(text.count))
        }
        #expect(result != nil)
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The raw IPv6 writer's text (no IPv4 shortcut).
    static func ipv6Text(_ address: IPAddress) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: IPAddress.maxTextLength) { buffer in
            let start = buffer.baseAddress!
            let end = address.writeIPv6Text(to: start)
            return String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
        }
    }

    static func address(_ groups: [UInt16]) -> IPAddress {
        IPAddress(high: groups[0..<4].reduce(0) { $0 << 16 | UInt64($1) },
                  low: groups[4..<8].reduce(0) { $0 << 16 | UInt64($1) })
    }

    static let edgeCases: [[UInt16]] = [
        [0, 0, 0, 0, 0, 0, 0, 0],                     // ::
        [0, 0, 0, 0, 0, 0, 0, 1],                     // ::1
        [1, 0, 0, 0, 0, 0, 0, 0],                     // 1::
        [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1],            // middle run
        [0x2001, 0xdb8, 0, 1, 0, 0, 0, 1],            // single zero group kept, later run compressed
        [0x2001, 0, 0, 1, 0, 0, 1, 1],                // two equal runs: the first wins
        [0x2001, 0xdb8, 0, 0, 1, 0, 0, 0],            // the longer (trailing) run wins
        [1, 0, 1, 0, 1, 0, 1, 0],                     // no run of two
        [0, 1, 0, 1, 0, 1, 0, 1],
        [0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff],
        [0xfe80, 0, 0, 0, 0x0202, 0xb3ff, 0xfe1e, 0x8329],
        [0, 0, 0, 0, 0, 0, 0x0102, 0x0304],           // IPv4-compatible: ::1.2.3.4
        [0, 0, 0, 0, 0, 0, 0, 0x0304],                // ::0.0.3.4 is written ::304
        [0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304],      // IPv4-mapped
        [0, 0, 0, 0, 0, 0xffff, 0, 0],
        [0, 0, 0, 0, 0, 0xfffe, 0x0102, 0x0304],      // not mapped
        [0, 0, 0, 0, 1, 0xffff, 0x0102, 0x0304],
        [0, 0, 0, 0, 0xffff, 0, 0x0102, 0x0304],
        [0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x0221],   // NAT64
        [0x2001, 0xdb8, 0x85a3, 0, 0, 0x8a2e, 0x370, 0x7334],
        [0, 0, 1, 0, 0, 0, 0, 0],
        [0xa, 0xbc, 0xdef, 0x1000, 0x100, 0x10, 0x1, 0],
    ]

    @Test func edgeCasesMatchInetNtop() {
        for groups in Self.edgeCases {
            let a = Self.address(groups)
            #expect(Self.ipv6Text(a) == Self.libcText(a, family: AF_INET6), "\(groups)")
            let expected = a.isIPv4 ? Self.libcText(a, family: AF_INET) : Self.libcText(a, family: AF_INET6)
            #expect(a.description == expected, "\(groups)")
        }
    }

    @Test func manyAddressesMatchInetNtop() {
        // Groups drawn mostly from zero so that runs of every length and position occur.
        var generator = SplitMix64.forTest()
        let choices: [() -> UInt16] = [{ 0 }, { 0 }, { 0 }, { 1 }, { 0xffff }, { UInt16.random(in: 0...0xff, using: &generator) },
                                       { UInt16.random(in: 0...UInt16.max, using: &generator) }]
        for _ in 0..<50_000 {
            let groups = (0..<8).map { _ in choices.randomElement(using: &generator)!() }
            let a = Self.address(groups)
            #expect(Self.ipv6Text(a) == Self.libcText(a, family: AF_INET6), "\(groups)")
        }
    }

    @Test func ipv4IsADottedQuad() {
        for value: UInt32 in [0, 1, 9, 10, 99, 100, 255, 0x0A00_0001, 0xC0A8_0A63, 0x7F00_0001, 0x0909_6464, 0xFFFF_FFFF] {
            let a = IPAddress(ipv4: value)
            #expect(a.description == Self.libcText(a, family: AF_INET))
        }
        var generator = SplitMix64.forTest()
        for _ in 0..<20_000 {
            let a = IPAddress(ipv4: UInt32.random(in: 0...UInt32.max, using: &generator))
            #expect(a.description == Self.libcText(a, family: AF_INET))
        }
    }

    @Test func csvFieldIsTheDescription() {
        let addresses = [IPAddress(ipv4: 0xC000_0201), Self.address([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]),
                         Self.address([0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff])]
        let buffer = CSVBuffer()
        for a in addresses { buffer.address(a) }
        buffer.endRow()
        #expect(String(decoding: buffer.bytes, as: UTF8.self) == "192.0.2.1,2001:db8::1,ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff\n")
    }

    @Test func tunnelParentText() {
        let v4 = TunnelParent(uid: 1, ipProtocol: 17, client: Endpoint(address: IPAddress(ipv4: 0xC000_0201), port: 4789),
                              server: Endpoint(address: IPAddress(ipv4: 0xC000_0202), port: 4789))
        #expect(v4.description == "UDP 192.0.2.1:4789>192.0.2.2:4789")
        let v6 = TunnelParent(uid: 2, ipProtocol: 253, client: Endpoint(address: Self.address([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]), port: 0),
                              server: Endpoint(address: Self.address([0x2001, 0xdb8, 0, 0, 0, 0, 0, 2]), port: 0))
        #expect(v6.description == "253 [2001:db8::1]:0>[2001:db8::2]:0")
    }
}
