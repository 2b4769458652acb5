@testable import FlowStats
import FlowStatsTestSupport
import Testing

/// Frames of every link type and header kind, with the facts a decoder must find in them.
struct DecoderCase: CustomStringConvertible, Sendable {
    var name: String
    var linkType: LinkType
    var frame: [UInt8]
    var ipProtocol: UInt8
    var sourcePort: UInt16
    var destinationPort: UInt16
    var vlanID: UInt16 = 0
    var description: String { name }
}

let udpV4 = Build.udp("192.0.2.1", 1111, "198.51.100.2", 2222, payload: Array(repeating: 9, count: 12))
let tcpV4Options = Build.tcp("192.0.2.1", 3333, "198.51.100.2", 443, flags: [.syn], seq: 7,
                             options: [2, 4, 5, 0xB4, 1, 1, 4, 2], ipID: 9)
let icmpV4 = Build.icmp("192.0.2.1", "198.51.100.2", type: 8, identifier: 1, sequence: 2, payload: [1, 2, 3, 4])
let udpV6Ext: [UInt8] = {
    // IPv6 + hop-by-hop + destination options + UDP.
    let udp = Build.udpHeader(sport: 5555, dport: 53, payload: [1, 2, 3, 4], pseudoSrc: "2001:db8::1", pseudoDst: "2001:db8::2")
    let dest = Build.ipv6Extension(nextHeader: 17, body: [1, 4, 0, 0, 0, 0])
    let hbh = Build.ipv6Extension(nextHeader: 60, body: [1, 4, 0, 0, 0, 0])
    return Build.ipv6(src: "2001:db8::1", dst: "2001:db8::2", nextHeader: 0, payload: hbh + dest + udp)
}()
let tcpV6AH: [UInt8] = {
    let tcp = Build.tcpHeader(sport: 6666, dport: 22, flags: [.ack], pseudoSrc: "2001:db8::1", pseudoDst: "2001:db8::2")
    let ah = Build.ipv6AH(nextHeader: 6, body: Array(repeating: 0, count: 10))
    return Build.ipv6(src: "2001:db8::1", dst: "2001:db8::2", nextHeader: 51, payload: ah + tcp)
}()

let decoderCases: [DecoderCase] = [
    DecoderCase(name: "Ethernet IPv4 UDP", linkType: .ethernet, frame: Build.ethernet(udpV4), ipProtocol: 17, sourcePort: 1111, destinationPort: 2222),
    DecoderCase(name: "Ethernet IPv4 TCP with options", linkType: .ethernet, frame: Build.ethernet(tcpV4Options), ipProtocol: 6, sourcePort: 3333, destinationPort: 443),
    DecoderCase(name: "802.1Q", linkType: .ethernet, frame: Build.ethernet(udpV4, vlans: [42]), ipProtocol: 17, sourcePort: 1111, destinationPort: 2222, vlanID: 42),
    DecoderCase(name: "QinQinQ", linkType: .ethernet, frame: Build.ethernet(udpV4, vlans: [100, 200, 300], outerTPID: 0x88A8), ipProtocol: 17, sourcePort: 1111, destinationPort: 2222, vlanID: 100),
    DecoderCase(name: "MPLS stack", linkType: .ethernet, frame: Build.ethernetMPLS(udpV4, labels: [16, 17, 18]), ipProtocol: 17, sourcePort: 1111, destinationPort: 2222),
    DecoderCase(name: "PPPoE", linkType: .ethernet, frame: Build.ethernetPPPoE(udpV4), ipProtocol: 17, sourcePort: 1111, destinationPort: 2222),
    DecoderCase(name: "Linux SLL", linkType: .linuxSLL, frame: Build.linuxSLL(icmpV4), ipProtocol: 1, sourcePort: 8, destinationPort: 0),
    DecoderCase(name: "Linux SLL2", linkType: .linuxSLL2, frame: Build.linuxSLL2(udpV6Ext), ipProtocol: 17, sourcePort: 5555, destinationPort: 53),
    DecoderCase(name: "NULL", linkType: .null, frame: Build.null(udpV4), ipProtocol: 17, sourcePort: 1111, destinationPort: 2222),
    DecoderCase(name: "LOOP IPv6", linkType: .loop, frame: Build.loop(tcpV6AH), ipProtocol: 6, sourcePort: 6666, destinationPort: 22),
    DecoderCase(name: "PPP", linkType: .ppp, frame: Build.ppp(udpV4), ipProtocol: 17, sourcePort: 1111, destinationPort: 2222),
    DecoderCase(name: "raw 101", linkType: .raw, frame: udpV6Ext, ipProtocol: 17, sourcePort: 5555, destinationPort: 53),
    DecoderCase(name: "raw 12", linkType: .rawOpenBSD, frame: udpV4, ipProtocol: 17, sourcePort: 1111, destinationPort: 2222),
    DecoderCase(name: "raw 14", linkType: .rawBSD, frame: tcpV4Options, ipProtocol: 6, sourcePort: 3333, destinationPort: 443),
    DecoderCase(name: "IPv4 228", linkType: .ipv4, frame: icmpV4, ipProtocol: 1, sourcePort: 8, destinationPort: 0),
    DecoderCase(name: "IPv6 229", linkType: .ipv6, frame: tcpV6AH, ipProtocol: 6, sourcePort: 6666, destinationPort: 22),
]

func decode(_ bytes: [UInt8], _ link: LinkType) -> DecodedPacket {
    var packet = DecodedPacket()
    bytes.withUnsafeBytes { PacketDecoder.decode($0, linkType: link, into: &packet) }
    return packet
}

@Suite struct DecoderTests {
    @Test(arguments: decoderCases)
    func decodesEveryLayer(_ c: DecoderCase) {
        let p = decode(c.frame, c.linkType)
        #expect(p.kind == .ip)
        #expect(p.truncation == nil)
        #expect(p.ipProtocol == c.ipProtocol)
        #expect(p.hasPorts)
        #expect(p.sourcePort == c.sourcePort && p.destinationPort == c.destinationPort)
        #expect(p.vlanID == c.vlanID)
    }

    /// Every frame cut at every length: never a crash, and always a truncation report
    /// (or, before the IP header is complete, a packet kind of `.truncated`).
    @Test(arguments: decoderCases)
    func everyCutIsReported(_ c: DecoderCase) {
        for length in 0..<c.frame.count {
            let p = decode(Array(c.frame.prefix(length)), c.linkType)
            let reported = p.kind == .truncated || p.truncation != nil
            #expect(reported, "\(c.name) cut at \(length) of \(c.frame.count) bytes was not reported as truncated")
            if p.kind == .ip {
                #expect(p.truncation != nil)
            }
        }
    }

    @Test func ipv4FieldsAreReadFromTheRightBytes() {
        let p = decode(Build.ethernet(tcpV4Options), .ethernet)
        #expect(p.source.description == "192.0.2.1" && p.destination.description == "198.51.100.2")
        #expect(p.ipVersion == 4 && p.ipLength == 20 + 28 && p.fragmentID == 9)
        #expect(p.hasTCPHeader && p.tcpFlags == TCPFlag.syn && p.sequence == 7 && p.window == 65535)
        #expect(p.payloadLength == 0)
        #expect(p.ipOffset == 14)
    }

    @Test func ethernetPaddingIsClippedToTheIPTotalLength() {
        // A 42-byte UDP/IPv4 frame padded to the 60-byte Ethernet minimum.
        let ip = Build.udp("192.0.2.1", 1, "192.0.2.2", 2, payload: [])
        let p = decode(Build.ethernet(ip) + Array(repeating: 0, count: 18), .ethernet)
        #expect(p.ipLength == 28 && p.payloadLength == 0 && p.truncation == nil)
    }

    @Test func snapLengthCutStillGivesPortsAndTheIPLength() {
        let ip = Build.tcp("192.0.2.1", 1000, "192.0.2.2", 80, flags: [.ack], payload: Array(repeating: 1, count: 1000))
        let p = decode(Array(Build.ethernet(ip).prefix(68)), .ethernet)
        #expect(p.kind == .ip && p.hasTCPHeader)
        #expect(p.ipLength == 1040 && p.payloadLength == 1000)
        #expect(p.truncation?.layer == .ipv4 && p.truncation?.required == 1040 && p.truncation?.available == 54)
    }

    @Test func ipv6ExtensionChainIsWalked() {
        let p = decode(udpV6Ext, .raw)
        #expect(p.ipVersion == 6 && p.ipProtocol == 17 && p.ipLength == 40 + 8 + 8 + 12)
        #expect(p.payloadLength == 4)
    }

    @Test func malformedHeadersAreReportedNotCrashedOn() {
        var bad = udpV4
        bad[0] = 0x43  // IHL 3
        #expect(decode(bad, .raw).kind == .malformed)
        var zeroLength = udpV4
        zeroLength[2] = 0
        zeroLength[3] = 0  // total length 0 (TSO): use the captured length
        #expect(decode(zeroLength, .raw).ipLength == udpV4.count)
        #expect(decode([0x60] + Array(repeating: 0, count: 10), .raw).kind == .truncated)
        #expect(decode(Build.ethernet(payload: Array(repeating: 0, count: 28), etherType: 0x0806), .ethernet).kind == .notIP)
    }

    @Test func nonFirstFragmentsHaveNoPorts() {
        let datagram = Build.udp("192.0.2.1", 5000, "192.0.2.2", 6000, payload: Array(repeating: 7, count: 100))
        let fragments = Build.ipv4Fragments(datagram, fragmentSize: 64)
        let first = decode(fragments[0], .raw)
        #expect(first.isFragment && first.moreFragments && first.fragmentOffset == 0 && first.hasPorts)
        let second = decode(fragments[1], .raw)
        #expect(second.isFragment && second.fragmentOffset == 64 && !second.hasPorts)
    }
}
