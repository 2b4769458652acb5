@testable import FlowStats
import FlowStatsTestSupport
import Foundation
import Testing

// `--preset nfstream`'s flow formation (HeaderRules.nfstream, TunnelKinds.nfstream), on
// hand-built frames; each expectation is what NFStream 6.6's `lib_engine.c` does with those
// bytes (the line of `packet_process` / `packet_get_ip_info` named in each test), worked out
// by hand, not taken from flowcsv's output.

private let nfstream = DecodeOptions(tunnels: .nfstream, rules: .nfstream)

private func decode(_ bytes: [UInt8], _ options: DecodeOptions, _ link: LinkType = .ethernet) -> DecodedPacket {
    var packet = DecodedPacket()
    bytes.withUnsafeBytes { PacketDecoder.decode($0, linkType: link, options: options, into: &packet) }
    return packet
}

private let innerV4 = Build.udp("10.0.0.1", 1000, "10.0.0.2", 53, payload: [1, 2, 3, 4])

@Suite struct NFStreamRulesTests {
    /// ICMP "ports" are 0 (`packet_get_icmp_info`: `*sport = *dport = 0`), type and code kept.
    @Test func icmpHasNoPorts() {
        let echo = decode(Build.ethernet(Build.icmp("10.0.0.1", "10.0.0.2", type: 8, identifier: 1, sequence: 1)), nfstream)
        #expect(echo.kind == .ip && echo.sourcePort == 0 && echo.destinationPort == 0 && echo.icmpType == 8)
        let v6 = decode(Build.ethernet(Build.icmp("2001:db8::1", "2001:db8::2", type: 135)), nfstream)
        #expect(v6.kind == .ip && v6.ipProtocol == 58 && v6.sourcePort == 0 && v6.destinationPort == 0)
        let zeekLike = decode(Build.ethernet(Build.icmp("10.0.0.1", "10.0.0.2", type: 8)), DecodeOptions())
        #expect(zeekLike.sourcePort == 8 && zeekLike.destinationPort == 0)
    }

    /// Echo request, echo reply and a destination unreachable between two hosts: one flow of
    /// three packets under the preset, two flows (8→0 and 3→code 1) under flowcsv's.
    @Test func icmpBetweenTwoHostsIsOneFlow() throws {
        let records = [
            PcapRecord(seconds: 1, Build.ethernet(Build.icmp("10.0.0.1", "10.0.0.2", type: 8, identifier: 1, sequence: 1))),
            PcapRecord(seconds: 2, Build.ethernet(Build.icmp("10.0.0.2", "10.0.0.1", type: 0, identifier: 1, sequence: 1))),
            PcapRecord(seconds: 3, Build.ethernet(Build.icmp("10.0.0.2", "10.0.0.1", type: 3, code: 1, payload: Array(innerV4.prefix(28))))),
        ]
        let preset = try runFlows(records) { $0.flow = FlowConfiguration(preset: .nfstream) }.flows
        #expect(preset.map(\.packets) == [3])
        #expect(preset.first.map { $0.client.port == 0 && $0.server.port == 0 } == true)
        let own = try runFlows(records).flows
        #expect(own.map(\.packets).sorted() == [1, 2])
    }

    /// The VLAN id is the innermost 802.1Q tag's (the tag loop overwrites `vlan_id`); an
    /// 802.1ad outer tag is not parsed and the frame is not IP.
    @Test func vlanIsTheInnermostQTag() {
        let tagged = decode(Build.ethernet(innerV4, vlans: [10, 20]), nfstream)
        #expect(tagged.kind == .ip && tagged.vlanID == 20)
        #expect(decode(Build.ethernet(innerV4, vlans: [10, 20]), DecodeOptions()).vlanID == 10)
        let qinq = decode(Build.ethernet(innerV4, vlans: [10, 20], outerTPID: 0x88A8), nfstream)
        #expect(qinq.kind == .notIP)
    }

    /// An IPv4 total length of 0 (segmentation offload) is below the header length: NFStream
    /// ignores the packet (`max(tot_len, ipsize) < l4_offset + (uint16)(tot_len − ihl·4)`),
    /// flowcsv's own rules take the captured length.
    @Test func offloadLengthZeroIsIgnored() {
        let tso = Build.ethernet(Build.tcp("10.0.0.1", 1000, "10.0.0.2", 80, flags: [.ack], payload: Array(repeating: 7, count: 3000)))
        var zero = tso
        zero[16] = 0
        zero[17] = 0
        #expect(decode(zero, nfstream).kind == .malformed)
        let own = decode(zero, DecodeOptions())
        #expect(own.kind == .ip && own.ipLength == 20 + 20 + 3000)
    }

    /// Ports only when the IP length holds the TCP (20) or UDP (8) header; else ports 0.
    @Test func transportHeaderMustFitTheIPLength() {
        // A first fragment carrying 16 bytes of a TCP header.
        let tcp = Build.tcp("10.0.0.1", 1000, "10.0.0.2", 80, flags: [.syn])
        let cut = Build.ipv4(src: "10.0.0.1", dst: "10.0.0.2", protocol: 6, payload: Array(tcp[20..<36]), moreFragments: true)
        let p = decode(Build.ethernet(cut), nfstream)
        #expect(p.kind == .ip && p.ipProtocol == 6 && !p.hasPorts && p.sourcePort == 0 && p.destinationPort == 0)
        let own = decode(Build.ethernet(cut), DecodeOptions())
        #expect(own.hasPorts && own.sourcePort == 1000 && own.destinationPort == 80)
        let udp = Build.ipv4(src: "10.0.0.1", dst: "10.0.0.2", protocol: 17, payload: [0x03, 0xE8, 0, 53, 0, 8])
        #expect(decode(Build.ethernet(udp), nfstream).sourcePort == 0)
    }

    /// An IPv6 packet the capture cut is ignored (`caplen < ip_offset + 40 + plen`).
    @Test func cutIPv6IsIgnored() {
        let frame = Build.ethernet(Build.udp("2001:db8::1", 1, "2001:db8::2", 2, payload: Array(repeating: 1, count: 40)))
        #expect(decode(Array(frame.dropLast(1)), nfstream).kind == .truncated)
        #expect(decode(Array(frame.dropLast(1)), DecodeOptions()).kind == .ip)
    }

    /// Frames under 28 captured bytes and link types NFStream does not read are ignored.
    @Test func shortFramesAndUnreadLinkTypes() {
        let small = Build.ipv4(src: "10.0.0.1", dst: "10.0.0.2", protocol: 50, payload: [1, 2, 3, 4, 5, 6, 7])  // 27 bytes
        #expect(decode(small, nfstream, .raw).kind == .notIP)
        #expect(decode(small + [8], nfstream, .raw).kind == .ip)
        #expect(decode(Build.linuxSLL2(innerV4), nfstream, .linuxSLL2).kind == .notIP)
        #expect(decode(Build.linuxSLL2(innerV4), DecodeOptions(), .linuxSLL2).kind == .ip)
    }

    /// Only IP-in-IP, GTP-U, TZSP and CAPWAP are decoded.
    @Test func onlyNFStreamsTunnels() {
        let vxlan = Build.ethernet(Build.udp("192.0.2.1", 40000, "192.0.2.2", 4789, payload: Build.vxlan(Build.ethernet(innerV4), vni: 1)))
        #expect(decode(vxlan, nfstream).tunnels.isEmpty)
        #expect(decode(vxlan, DecodeOptions()).tunnels.map(\.kind) == [.vxlan])
        let gre = Build.ethernet(Build.greTunnel("192.0.2.1", "192.0.2.2", gre: Build.gre(innerV4, protocolType: 0x0800)))
        #expect(decode(gre, nfstream).tunnels.isEmpty && decode(gre, nfstream).ipProtocol == 47)
        let tzsp = Build.ethernet(Build.udp("192.0.2.1", 40000, "192.0.2.2", 37008, payload: Build.tzsp(Build.ethernet(innerV4))))
        let p = decode(tzsp, nfstream)
        #expect(p.tunnels.map(\.kind) == [.tzsp] && p.source == IPAddress("10.0.0.1"))
        let sixInFour = Build.ethernet(Build.ipInIP("192.0.2.1", "192.0.2.2", inner: Build.udp("2001:db8::1", 1, "2001:db8::2", 2)))
        #expect(decode(sixInFour, nfstream).tunnels.map(\.kind) == [.ipInIP])
    }

    /// GTP-U: no PT check and no exact length (the GTP length field may disagree with the
    /// inner packet), and only under IPv4.
    @Test func gtpAsNFStreamReadsIt() {
        let padded = Build.ethernet(Build.udp("192.0.2.1", 2152, "192.0.2.2", 2152, payload: Build.gtpU(innerV4 + [0, 0, 0], teid: 1)))
        #expect(decode(padded, nfstream).tunnels.map(\.kind) == [.gtpU])
        #expect(decode(padded, DecodeOptions()).tunnels.isEmpty)
        let overV6 = Build.ethernet(Build.udp("2001:db8::a", 2152, "2001:db8::b", 2152, payload: Build.gtpU(innerV4, teid: 1)))
        #expect(decode(overV6, nfstream).tunnels.isEmpty)
        #expect(decode(overV6, DecodeOptions()).tunnels.map(\.kind) == [.gtpU])
    }

    /// TZSP: NFStream takes the Ethernet frame after the first tag; a leading END tag (the
    /// usual case) gives the same frame as the full tag walk.
    @Test func tzspFirstTag() {
        let frame = Build.ethernet(Build.udp("192.0.2.1", 40000, "192.0.2.2", 37008, payload: Build.tzsp(Build.ethernet(innerV4))))
        #expect(decode(frame, nfstream).ipOffset == decode(frame, DecodeOptions()).ipOffset)
        #expect(decode(frame, nfstream).ipOffset == 14 + 20 + 8 + 4 + 1 + 14)
        let transmit = Build.ethernet(Build.udp("192.0.2.1", 40000, "192.0.2.2", 37008, payload: Build.tzsp(Build.ethernet(innerV4), type: 1)))
        #expect(decode(transmit, nfstream).tunnels.isEmpty)
        #expect(decode(transmit, DecodeOptions()).tunnels.map(\.kind) == [.tzsp])
    }

    /// A CAPWAP data packet with more than 32 bytes after its header is never counted in the
    /// outer flow: a data frame is decoded, anything else read as NFStream reads it (an IPv4
    /// header 32 bytes on when the version nibble is 4, else ignored).
    @Test func capwapPacketsLeaveTheOuterFlow() {
        let management = Build.ethernet(Build.udp("192.0.2.1", 40000, "192.0.2.2", 5247,
                                                  payload: Build.capwapData([0x40, 0] + Array(repeating: 0, count: 60), native80211: true)))
        #expect(decode(management, nfstream).kind == .notIP)
        #expect(decode(management, DecodeOptions()).kind == .ip && decode(management, DecodeOptions()).tunnels.isEmpty)
        let short = Build.ethernet(Build.udp("192.0.2.1", 40000, "192.0.2.2", 5247,
                                             payload: Build.capwapData(Array(repeating: 0, count: 32), native80211: true)))
        let outer = decode(short, nfstream)
        #expect(outer.kind == .ip && outer.tunnels.isEmpty && outer.destinationPort == 5247)
        let data = Build.ethernet(Build.udp("192.0.2.1", 40000, "192.0.2.2", 5247,
                                            payload: Build.capwapData(Build.wifiData(innerV4), native80211: true)))
        #expect(decode(data, nfstream).tunnels.map(\.kind) == [.capwap])
    }

    /// An EtherType NFStream has no case for: the bytes after it are read as IP when their
    /// version nibble is 4 or 6 (any header length), without the fragment test; spanning tree
    /// (LLC SAP 0x42) is ignored.
    @Test func unknownEtherTypesAsNFStreamReadsThem() {
        var garbage: [UInt8] = [0x40, 0x20, 0x00, 0x28, 0, 0, 0x3F, 0xFF, 0, 0x50]  // IHL 0, length 40, offset ≠ 0, protocol 80
        garbage += [0, 0, 1, 2, 3, 4, 5, 6, 7, 8]
        garbage += Array(repeating: 0, count: 20)
        let frame = Build.ethernet(payload: garbage, etherType: 0x8903)
        let p = decode(frame, nfstream)
        #expect(p.kind == .ip && p.ipProtocol == 80 && !p.isFragment)
        #expect(p.source == IPAddress("1.2.3.4") && p.destination == IPAddress("5.6.7.8"))
        #expect(decode(frame, DecodeOptions()).kind == .notIP)
        // 802.3 length 43, LLC 42 42 03 (spanning tree), then bytes that would pass as IPv4.
        let stp = Build.ethernet(payload: [0x42, 0x42, 0x03] + innerV4, etherType: 43)
        #expect(decode(stp, nfstream).kind == .notIP)
    }

    /// Random bytes after TZSP and CAPWAP headers and after unknown EtherTypes, under both
    /// rules: never a crash or a read past the frame (arrays trap), and a tunnel layer only
    /// with an IP packet inside.
    @Test func garbageNeverCrashes() {
        var generator = SplitMix64.forTest()
        let starts: [[UInt8]] = [[1, 0, 0, 1], [1, 0, 0, 1, 0x0A, 0xFF], [0, 0x10, 0x03, 0], [0, 0x30, 0x03, 0x30, 0, 0, 0, 0], [0x40]]
        for _ in 0..<3000 {
            let junk = (0..<Int.random(in: 0..<120, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let start = starts.randomElement(using: &generator)!
            let port = [TunnelPort.tzsp, TunnelPort.capwapData].randomElement(using: &generator)!
            let udp = Build.ethernet(Build.udp("192.0.2.1", 40000, "192.0.2.2", port, payload: start + junk))
            let other = Build.ethernet(payload: start + junk, etherType: UInt16.random(in: 0...0xFFFF, using: &generator))
            for frame in [udp, other, Array(udp.prefix(Int.random(in: 0...udp.count, using: &generator)))] {
                for options in [nfstream, DecodeOptions()] {
                    let p = decode(frame, options)
                    if !p.tunnels.isEmpty { #expect(p.kind == .ip) }
                }
            }
        }
    }
}
