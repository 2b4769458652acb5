@testable import FlowStats
import FlowStatsTestSupport
import Testing

/// The per-packet facts the ML feature groups read: TTL / hop limit, IP and transport header
/// lengths, the SYN's MSS and window scale options, the frame's MAC addresses. Expected values
/// are worked out from the bytes the builders write.
@Suite struct DecoderFeatureFieldTests {
    func decode(_ frame: [UInt8], _ link: LinkType) -> DecodedPacket {
        var p = DecodedPacket()
        frame.withUnsafeBytes { PacketDecoder.decode($0, linkType: link, details: true, into: &p) }
        return p
    }

    @Test func synOptionsTTLAndHeaderLengths() {
        // MSS 1460 (2,4,0x05B4), NOP, window scale 7 (3,3,7), NOP, NOP, NOP: 12 option bytes.
        let syn = Build.tcp("192.0.2.1", 3333, "198.51.100.2", 443, flags: [.syn], seq: 7,
                            payload: [1, 2, 3], options: [2, 4, 0x05, 0xB4, 1, 3, 3, 7, 1, 1, 1, 1], ttl: 57)
        let p = decode(Build.ethernet(syn, src: [0xAA, 0xBB, 0xCC, 1, 2, 3], dst: [0x10, 0x20, 0x30, 4, 5, 6]), .ethernet)
        #expect(p.ttl == 57)
        #expect(p.ipHeaderLength == 20 && p.transportHeaderLength == 32 && p.payloadLength == 3)
        #expect(p.tcpMSS == 1460 && p.hasWindowScale && p.tcpWindowScale == 7)
        #expect(p.sourceMAC == 0xAABB_CC01_0203 && p.destinationMAC == 0x1020_3004_0506)
    }

    @Test func optionsAreReadOnSYNsOnly() {
        let ack = Build.tcp("192.0.2.1", 3333, "198.51.100.2", 443, flags: [.ack], options: [2, 4, 0x05, 0xB4])
        let p = decode(Build.ethernet(ack), .ethernet)
        #expect(p.tcpMSS == 0 && !p.hasWindowScale && p.transportHeaderLength == 24)
    }

    @Test func malformedOptionLengthStopsTheWalk() {
        // Window scale with length 9 would run past the 4 option bytes: nothing is read after it.
        let syn = Build.tcp("192.0.2.1", 1, "198.51.100.2", 2, flags: [.syn], options: [3, 9, 7, 0])
        let p = decode(Build.ethernet(syn), .ethernet)
        #expect(!p.hasWindowScale && p.tcpMSS == 0)
        // Length 0 or 1 is malformed too.
        let zero = Build.tcp("192.0.2.1", 1, "198.51.100.2", 2, flags: [.syn], options: [2, 0, 0, 0, 2, 4, 5, 0xB4])
        #expect(decode(Build.ethernet(zero), .ethernet).tcpMSS == 0)
    }

    @Test func ipv6HopLimitAndExtensionHeadersCountAsIPHeader() {
        let udp = Build.udpHeader(sport: 5555, dport: 53, payload: [1, 2, 3, 4], pseudoSrc: "2001:db8::1", pseudoDst: "2001:db8::2")
        let hbh = Build.ipv6Extension(nextHeader: 17, body: [1, 4, 0, 0, 0, 0])  // 8 bytes
        let ip = Build.ipv6(src: "2001:db8::1", dst: "2001:db8::2", nextHeader: 0, payload: hbh + udp, hopLimit: 9)
        let p = decode(Build.ethernet(ip), .ethernet)
        #expect(p.ttl == 9 && p.ipHeaderLength == 48 && p.transportHeaderLength == 8 && p.payloadLength == 4)
    }

    @Test func noMACsOffEthernet() {
        let p = decode(Build.linuxSLL(Build.udp("192.0.2.1", 1, "192.0.2.2", 2, payload: [])), .linuxSLL)
        #expect(p.sourceMAC == 0 && p.destinationMAC == 0 && p.transportHeaderLength == 8)
    }
}
