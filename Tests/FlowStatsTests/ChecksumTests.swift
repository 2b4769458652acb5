@testable import FlowStats
import FlowStatsTestSupport
import Testing

@Suite struct ChecksumTests {
    static let packets: [[UInt8]] = [
        Build.tcp("192.0.2.1", 1000, "192.0.2.2", 80, flags: [.syn], seq: 7, options: [2, 4, 5, 0xB4]),
        Build.udp("192.0.2.1", 53, "192.0.2.2", 5353, payload: [1, 2, 3]),
        Build.icmp("192.0.2.1", "192.0.2.2", type: 8, identifier: 1, sequence: 1, payload: [9, 9, 9]),
        Build.tcp("2001:db8::1", 1000, "2001:db8::2", 443, flags: [.ack], payload: [1, 2, 3, 4, 5]),
        Build.udp("2001:db8::1", 53, "2001:db8::2", 5353, payload: [7]),
        Build.icmp("2001:db8::1", "2001:db8::2", type: 128, identifier: 3),
    ]

    func check(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var p = DecodedPacket()
            PacketDecoder.decode(raw, linkType: .raw, into: &p)
            return Checksums.valid(raw, p)
        }
    }

    @Test(arguments: packets.indices)
    func builtPacketsAreValidAndEveryFlippedByteIsCaught(_ i: Int) {
        let packet = Self.packets[i]
        #expect(check(packet))
        // Flip one bit in each byte after the addresses' version nibble: the IP header checksum
        // or the transport checksum must catch it (IPv6 has no header checksum, so only bytes
        // covered by the pseudo-header or the transport checksum are flipped there).
        let isV6 = packet[0] >> 4 == 6
        let from = isV6 ? 8 : 1
        for index in from..<packet.count {
            if isV6 && (4...7).contains(index) { continue }  // payload length/next header: the decoder reads them
            var corrupt = packet
            corrupt[index] ^= 0x01
            #expect(!check(corrupt), "flipping byte \(index) was not caught")
        }
    }
}
