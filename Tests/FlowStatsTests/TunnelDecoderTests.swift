@testable import FlowStats
import FlowStatsTestSupport
import Foundation
import Testing

// Tunnel decapsulation: hand-built frames with hand-worked offsets and lengths (the builders
// were checked against `tshark -V`), every cut of every tunnel header, the packets that must
// not count as tunnelled, and the corpus captures against Zeek's and nDPI's flows.

private func decodeFrame(_ bytes: [UInt8], _ link: LinkType = .ethernet, decapsulate: Bool = true) -> DecodedPacket {
    var packet = DecodedPacket()
    bytes.withUnsafeBytes { PacketDecoder.decode($0, linkType: link, decapsulate: decapsulate, into: &packet) }
    return packet
}

private func address(_ text: String) -> IPAddress {
    IPAddress(text)!
}

// Inner packets: ICMP echo in IPv4 (32 bytes), UDP in IPv6 (52 bytes), and the IPv4 one in an
// Ethernet frame with a VLAN tag (50 bytes; the tag belongs to the overlay).
private let innerV4 = Build.icmp("10.0.0.1", "10.0.0.2", type: 8, identifier: 7, sequence: 1, payload: [1, 2, 3, 4])
private let innerV6 = Build.udp("2001:db8::1", 5000, "2001:db8::2", 5001, payload: [9, 9, 9, 9])
private let innerEthernet = Build.ethernet(innerV4, vlans: [33])

/// A tunnelled frame and the facts a decoder must find in it.
struct TunnelCase: CustomStringConvertible, Sendable {
    var name: String
    var frame: [UInt8]
    var kind: TunnelKind
    var outerSource: String
    var outerDestination: String
    var outerProtocol: UInt8
    var outerPorts: (UInt16, UInt16)?
    var outerIPLength: Int
    var outerPayloadLength: Int
    /// Frame offset of the inner IP header.
    var innerOffset: Int
    var innerIsV6: Bool
    var description: String { name }

    var innerSource: String { innerIsV6 ? "2001:db8::1" : "10.0.0.1" }
    var innerDestination: String { innerIsV6 ? "2001:db8::2" : "10.0.0.2" }
    var innerHeaderEnd: Int { innerOffset + (innerIsV6 ? 40 : 20) }
}

let tunnelCases: [TunnelCase] = [
    // 14 Ethernet + 20 IPv4 + GRE 16 (flags, protocol, checksum, key, sequence) + 32.
    TunnelCase(name: "GRE C+K+S IPv4",
               frame: Build.ethernet(Build.greTunnel("192.0.2.1", "192.0.2.2",
                                                     gre: Build.gre(innerV4, protocolType: 0x0800, checksum: true, key: 0x1234, sequence: 5))),
               kind: .gre, outerSource: "192.0.2.1", outerDestination: "192.0.2.2", outerProtocol: 47, outerPorts: nil,
               outerIPLength: 68, outerPayloadLength: 48, innerOffset: 50, innerIsV6: false),
    TunnelCase(name: "GRE IPv6 in IPv6",
               frame: Build.ethernet(Build.greTunnel("2001:db8:1::1", "2001:db8:1::2", gre: Build.gre(innerV6, protocolType: 0x86DD, key: 1))),
               kind: .gre, outerSource: "2001:db8:1::1", outerDestination: "2001:db8:1::2", outerProtocol: 47, outerPorts: nil,
               outerIPLength: 40 + 8 + 52, outerPayloadLength: 60, innerOffset: 14 + 40 + 8, innerIsV6: true),
    // GRE 4 + Ethernet 14 + VLAN 4.
    TunnelCase(name: "GRE transparent Ethernet bridging",
               frame: Build.ethernet(Build.greTunnel("192.0.2.1", "192.0.2.2", gre: Build.gre(innerEthernet, protocolType: 0x6558))),
               kind: .gre, outerSource: "192.0.2.1", outerDestination: "192.0.2.2", outerProtocol: 47, outerPorts: nil,
               outerIPLength: 74, outerPayloadLength: 54, innerOffset: 56, innerIsV6: false),
    // GRE 4 + one MPLS label (16, bottom of stack, TTL 64).
    TunnelCase(name: "GRE MPLS",
               frame: Build.ethernet(Build.greTunnel("192.0.2.1", "192.0.2.2", gre: Build.gre([0x00, 0x01, 0x01, 0x40] + innerV4, protocolType: 0x8847))),
               kind: .gre, outerSource: "192.0.2.1", outerDestination: "192.0.2.2", outerProtocol: 47, outerPorts: nil,
               outerIPLength: 60, outerPayloadLength: 40, innerOffset: 42, innerIsV6: false),
    // GRE 8 (sequence) + ERSPAN II 8 + Ethernet 14 + VLAN 4.
    TunnelCase(name: "ERSPAN type II",
               frame: Build.ethernet(Build.greTunnel("192.0.2.1", "192.0.2.2", gre: Build.erspanII(innerEthernet, sessionID: 5, vlan: 9))),
               kind: .gre, outerSource: "192.0.2.1", outerDestination: "192.0.2.2", outerProtocol: 47, outerPorts: nil,
               outerIPLength: 86, outerPayloadLength: 66, innerOffset: 68, innerIsV6: false),
    // GRE 8 + ERSPAN III 12 + platform subheader 8 + 18.
    TunnelCase(name: "ERSPAN type III with subheader",
               frame: Build.ethernet(Build.greTunnel("192.0.2.1", "192.0.2.2", gre: Build.erspanIII(innerEthernet, platformSubheader: true))),
               kind: .gre, outerSource: "192.0.2.1", outerDestination: "192.0.2.2", outerProtocol: 47, outerPorts: nil,
               outerIPLength: 98, outerPayloadLength: 78, innerOffset: 80, innerIsV6: false),
    TunnelCase(name: "ERSPAN type III",
               frame: Build.ethernet(Build.greTunnel("192.0.2.1", "192.0.2.2", gre: Build.erspanIII(innerEthernet))),
               kind: .gre, outerSource: "192.0.2.1", outerDestination: "192.0.2.2", outerProtocol: 47, outerPorts: nil,
               outerIPLength: 90, outerPayloadLength: 70, innerOffset: 72, innerIsV6: false),
    // Enhanced GRE 16 (flags, protocol, key, sequence, acknowledgment) + PPP 4.
    TunnelCase(name: "PPTP enhanced GRE",
               frame: Build.ethernet(Build.greTunnel("192.0.2.1", "192.0.2.2", gre: Build.pptpGRE(innerV4, callID: 77, sequence: 3, acknowledgment: 2))),
               kind: .gre, outerSource: "192.0.2.1", outerDestination: "192.0.2.2", outerProtocol: 47, outerPorts: nil,
               outerIPLength: 72, outerPayloadLength: 52, innerOffset: 54, innerIsV6: false),
    TunnelCase(name: "PPTP without address/control, IPv6",
               frame: Build.ethernet(Build.greTunnel("192.0.2.1", "192.0.2.2", gre: Build.pptpGRE(innerV6, addressControl: false))),
               kind: .gre, outerSource: "192.0.2.1", outerDestination: "192.0.2.2", outerProtocol: 47, outerPorts: nil,
               outerIPLength: 20 + 12 + 2 + 52, outerPayloadLength: 66, innerOffset: 14 + 20 + 12 + 2, innerIsV6: true),
    // UDP 8 + VXLAN 8 + Ethernet 14 + VLAN 4.
    TunnelCase(name: "VXLAN",
               frame: Build.ethernet(Build.udp("192.0.2.1", 40000, "192.0.2.2", 4789, payload: Build.vxlan(innerEthernet, vni: 42))),
               kind: .vxlan, outerSource: "192.0.2.1", outerDestination: "192.0.2.2", outerProtocol: 17, outerPorts: (40000, 4789),
               outerIPLength: 86, outerPayloadLength: 58, innerOffset: 68, innerIsV6: false),
    // UDP 8 + Geneve 8 + one 8-byte option + 18.
    TunnelCase(name: "Geneve with an option",
               frame: Build.ethernet(Build.udp("192.0.2.1", 40000, "192.0.2.2", 6081,
                                               payload: Build.geneve(innerEthernet, vni: 42,
                                                                     options: Build.geneveOption(optionClass: 0x0102, type: 0x80, data: [1, 2, 3, 4])))),
               kind: .geneve, outerSource: "192.0.2.1", outerDestination: "192.0.2.2", outerProtocol: 17, outerPorts: (40000, 6081),
               outerIPLength: 94, outerPayloadLength: 66, innerOffset: 76, innerIsV6: false),
    TunnelCase(name: "Geneve IPv6",
               frame: Build.ethernet(Build.udp("192.0.2.1", 40000, "192.0.2.2", 6081, payload: Build.geneve(innerV6, protocolType: 0x86DD, vni: 7))),
               kind: .geneve, outerSource: "192.0.2.1", outerDestination: "192.0.2.2", outerProtocol: 17, outerPorts: (40000, 6081),
               outerIPLength: 88, outerPayloadLength: 60, innerOffset: 50, innerIsV6: true),
    // GTP 8 + sequence/N-PDU/next 4 + extension headers 4 and 8.
    TunnelCase(name: "GTP-U with extension headers",
               frame: Build.ethernet(Build.udp("192.0.2.1", 2152, "192.0.2.2", 2152,
                                               payload: Build.gtpU(innerV6, teid: 0xABCD, sequence: 9, npdu: 1,
                                                                   extensionHeaders: [(type: 0x85, content: [0x00, 0x05]),
                                                                                      (type: 0xC0, content: [1, 2, 3, 4, 5])]))),
               kind: .gtpU, outerSource: "192.0.2.1", outerDestination: "192.0.2.2", outerProtocol: 17, outerPorts: (2152, 2152),
               outerIPLength: 104, outerPayloadLength: 76, innerOffset: 66, innerIsV6: true),
    TunnelCase(name: "GTP-U from port 2152, IPv4",
               frame: Build.ethernet(Build.udp("192.0.2.1", 2152, "192.0.2.2", 40000, payload: Build.gtpU(innerV4, teid: 1))),
               kind: .gtpU, outerSource: "192.0.2.1", outerDestination: "192.0.2.2", outerProtocol: 17, outerPorts: (2152, 40000),
               outerIPLength: 20 + 8 + 8 + 32, outerPayloadLength: 40, innerOffset: 50, innerIsV6: false),
    // Authentication 13 + 2 + 3, origin indication 8.
    TunnelCase(name: "Teredo with authentication and origin",
               frame: Build.ethernet(Build.udp("192.0.2.1", 3544, "192.0.2.2", 50000,
                                               payload: Build.teredo(innerV6, authentication: .init(clientID: [1, 2], value: [3, 4, 5]),
                                                                     origin: (port: 40000, address: "198.51.100.7")))),
               kind: .teredo, outerSource: "192.0.2.1", outerDestination: "192.0.2.2", outerProtocol: 17, outerPorts: (3544, 50000),
               outerIPLength: 106, outerPayloadLength: 78, innerOffset: 68, innerIsV6: true),
    TunnelCase(name: "Teredo to port 3544",
               frame: Build.ethernet(Build.udp("192.0.2.1", 50000, "192.0.2.2", 3544, payload: Build.teredo(innerV6))),
               kind: .teredo, outerSource: "192.0.2.1", outerDestination: "192.0.2.2", outerProtocol: 17, outerPorts: (50000, 3544),
               outerIPLength: 80, outerPayloadLength: 52, innerOffset: 42, innerIsV6: true),
    // UDP 8 + TZSP 4 + tags 6 (PADDING, tag 10 with 2 bytes, END) + Ethernet 14 + VLAN 4.
    TunnelCase(name: "TZSP with tags",
               frame: Build.ethernet(Build.udp("192.0.2.1", 40000, "192.0.2.2", 37008,
                                               payload: Build.tzsp(innerEthernet, tags: [0x00, 0x0A, 0x02, 0xAB, 0xCD, 0x01]))),
               kind: .tzsp, outerSource: "192.0.2.1", outerDestination: "192.0.2.2", outerProtocol: 17, outerPorts: (40000, 37008),
               outerIPLength: 88, outerPayloadLength: 60, innerOffset: 70, innerIsV6: false),
    // UDP 8 + CAPWAP 8 (HLEN 2, T clear) + Ethernet 14 + VLAN 4.
    TunnelCase(name: "CAPWAP data, 802.3",
               frame: Build.ethernet(Build.udp("192.0.2.1", 5247, "192.0.2.2", 40000,
                                               payload: Build.capwapData(innerEthernet, native80211: false))),
               kind: .capwap, outerSource: "192.0.2.1", outerDestination: "192.0.2.2", outerProtocol: 17, outerPorts: (5247, 40000),
               outerIPLength: 86, outerPayloadLength: 58, innerOffset: 68, innerIsV6: false),
    // UDP 8 + CAPWAP 24 (8 + radio MAC 1+6 → 8 + wireless info 1+4 → 8: HLEN 6) + 802.11 24 + LLC/SNAP 8.
    TunnelCase(name: "CAPWAP data, 802.11 with radio MAC and wireless info",
               frame: Build.ethernet(Build.udp("192.0.2.1", 40000, "192.0.2.2", 5247,
                                               payload: Build.capwapData(Build.wifiData(innerV4), native80211: true,
                                                                         radioMAC: [2, 0, 0, 0, 0, 9], wirelessInfo: [1, 2, 3, 4]))),
               kind: .capwap, outerSource: "192.0.2.1", outerDestination: "192.0.2.2", outerProtocol: 17, outerPorts: (40000, 5247),
               outerIPLength: 116, outerPayloadLength: 88, innerOffset: 98, innerIsV6: false),
    // UDP 8 + CAPWAP 8 + QoS data 26 (Frame Control byte-swapped) + LLC/SNAP 8.
    TunnelCase(name: "CAPWAP data, 802.11 QoS, swapped Frame Control, IPv6",
               frame: Build.ethernet(Build.udp("192.0.2.1", 40000, "192.0.2.2", 5247,
                                               payload: Build.capwapData(Build.wifiData(innerV6, qos: true, swapped: true),
                                                                         native80211: true))),
               kind: .capwap, outerSource: "192.0.2.1", outerDestination: "192.0.2.2", outerProtocol: 17, outerPorts: (40000, 5247),
               outerIPLength: 122, outerPayloadLength: 94, innerOffset: 84, innerIsV6: true),
    TunnelCase(name: "4in6",
               frame: Build.ethernet(Build.ipInIP("2001:db8::a", "2001:db8::b", inner: innerV4)),
               kind: .ipInIP, outerSource: "2001:db8::a", outerDestination: "2001:db8::b", outerProtocol: 4, outerPorts: nil,
               outerIPLength: 72, outerPayloadLength: 32, innerOffset: 54, innerIsV6: false),
    TunnelCase(name: "6in4",
               frame: Build.ethernet(Build.ipInIP("192.0.2.1", "192.0.2.2", inner: innerV6)),
               kind: .ipInIP, outerSource: "192.0.2.1", outerDestination: "192.0.2.2", outerProtocol: 41, outerPorts: nil,
               outerIPLength: 72, outerPayloadLength: 52, innerOffset: 34, innerIsV6: true),
    TunnelCase(name: "4in4",
               frame: Build.ethernet(Build.ipInIP("192.0.2.1", "192.0.2.2", inner: innerV4)),
               kind: .ipInIP, outerSource: "192.0.2.1", outerDestination: "192.0.2.2", outerProtocol: 4, outerPorts: nil,
               outerIPLength: 52, outerPayloadLength: 32, innerOffset: 34, innerIsV6: false),
    TunnelCase(name: "6in6 after a hop-by-hop header",
               frame: Build.ethernet(Build.ipv6(src: "2001:db8::a", dst: "2001:db8::b", nextHeader: 0,
                                                payload: Build.ipv6Extension(nextHeader: 41, body: [1, 4, 0, 0, 0, 0]) + innerV6)),
               kind: .ipInIP, outerSource: "2001:db8::a", outerDestination: "2001:db8::b", outerProtocol: 41, outerPorts: nil,
               outerIPLength: 40 + 8 + 52, outerPayloadLength: 52, innerOffset: 14 + 48, innerIsV6: true),
]

@Suite struct TunnelDecoderTests {
    @Test(arguments: tunnelCases)
    func decapsulatesEveryKind(_ c: TunnelCase) {
        let p = decodeFrame(c.frame)
        #expect(p.kind == .ip)
        #expect(p.truncation == nil)
        #expect(p.tunnels.count == 1)
        guard let layer = p.tunnels.first else { return }
        #expect(layer.kind == c.kind)
        #expect(layer.source == address(c.outerSource) && layer.destination == address(c.outerDestination))
        #expect(layer.ipVersion == (c.outerSource.contains(":") ? 6 : 4))
        #expect(layer.ipProtocol == c.outerProtocol)
        #expect(layer.hasPorts == (c.outerPorts != nil))
        if let ports = c.outerPorts {
            #expect(layer.sourcePort == ports.0 && layer.destinationPort == ports.1)
        }
        #expect(layer.ipLength == c.outerIPLength)
        #expect(layer.payloadLength == c.outerPayloadLength)
        #expect(layer.ipOffset == 14)
        #expect(layer.vlanID == 0)
        // The main fields are the inner packet's.
        #expect(p.ipOffset == c.innerOffset)
        #expect(p.source == address(c.innerSource) && p.destination == address(c.innerDestination))
        #expect(p.vlanID == 0, "an overlay VLAN tag is not the frame's")
        if c.innerIsV6 {
            #expect(p.ipVersion == 6 && p.ipProtocol == 17 && p.ipLength == 52 && p.payloadLength == 4)
            #expect(p.hasPorts && p.sourcePort == 5000 && p.destinationPort == 5001)
        } else {
            #expect(p.ipVersion == 4 && p.ipProtocol == 1 && p.ipLength == 32 && p.payloadLength == 4)
            #expect(p.hasPorts && p.sourcePort == 8 && p.destinationPort == 0)
            #expect(p.icmpType == 8)
        }
    }

    @Test(arguments: tunnelCases)
    func decapsulateFalseKeepsTheOuterPacket(_ c: TunnelCase) {
        let p = decodeFrame(c.frame, decapsulate: false)
        #expect(p.kind == .ip && p.tunnels.isEmpty)
        #expect(p.source == address(c.outerSource) && p.destination == address(c.outerDestination))
        #expect(p.ipProtocol == c.outerProtocol && p.ipLength == c.outerIPLength && p.ipOffset == 14)
        #expect(p.payloadLength == c.outerPayloadLength)
    }

    /// Every tunnelled frame cut at every length: never a crash, always a truncation report;
    /// the outer packet until the inner IP header is complete, then the inner packet.
    @Test(arguments: tunnelCases)
    func everyCutOfATunnelIsReported(_ c: TunnelCase) {
        for length in 0..<c.frame.count {
            let p = decodeFrame(Array(c.frame.prefix(length)))
            #expect(p.kind == .truncated || p.truncation != nil, "\(c.name) cut at \(length): no truncation report")
            if length < c.innerHeaderEnd {
                #expect(p.tunnels.isEmpty, "\(c.name) cut at \(length): decapsulated before the inner IP header was complete")
                if p.kind == .ip {
                    #expect(p.source == address(c.outerSource) && p.ipOffset == 14 && p.ipLength == c.outerIPLength,
                            "\(c.name) cut at \(length): the outer packet was not kept")
                    // A cut IPv6 extension header keys the packet under that header's number.
                    if p.transportOffset >= 0 { #expect(p.ipProtocol == c.outerProtocol) }
                }
            } else {
                #expect(p.kind == .ip && p.tunnels.count == 1, "\(c.name) cut at \(length): inner packet not kept")
                #expect(p.source == address(c.innerSource) && p.ipOffset == c.innerOffset)
                #expect(p.ipLength == (c.innerIsV6 ? 52 : 32), "the inner IP length comes from its header")
                #expect(p.truncation?.layer == (c.innerIsV6 ? .ipv6 : .ipv4))
            }
        }
    }

    @Test func greInsideGREGivesTwoLayers() {
        let middle = Build.greTunnel("198.51.100.1", "198.51.100.2", gre: Build.gre(innerV4, protocolType: 0x0800))
        let frame = Build.ethernet(Build.greTunnel("192.0.2.1", "192.0.2.2", gre: Build.gre(middle, protocolType: 0x0800, key: 9)), vlans: [7])
        let p = decodeFrame(frame)
        #expect(p.tunnels.map(\.kind) == [.gre, .gre])
        #expect(p.tunnels.map(\.source) == [address("192.0.2.1"), address("198.51.100.1")])
        #expect(p.tunnels.map(\.ipOffset) == [18, 18 + 20 + 8])
        #expect(p.tunnels.map(\.ipLength) == [20 + 8 + 56, 56])
        #expect(p.tunnels.map(\.payloadLength) == [64, 36])
        #expect(p.tunnels.map(\.vlanID) == [7, 7])
        #expect(p.vlanID == 7)
        #expect(p.source == address("10.0.0.1") && p.ipOffset == 18 + 20 + 8 + 20 + 4 && p.ipProtocol == 1)
    }

    @Test func vxlanInsideGREAndTeredoInsideVXLANNest() {
        let teredo = Build.udp("172.16.0.1", 3544, "172.16.0.2", 50000, payload: Build.teredo(innerV6))
        let vxlan = Build.udp("198.51.100.1", 50000, "198.51.100.2", 4789, payload: Build.vxlan(Build.ethernet(teredo), vni: 1))
        let p = decodeFrame(Build.ethernet(Build.greTunnel("192.0.2.1", "192.0.2.2", gre: Build.gre(vxlan, protocolType: 0x0800))))
        #expect(p.tunnels.map(\.kind) == [.gre, .vxlan, .teredo])
        #expect(p.tunnels.map(\.source) == [address("192.0.2.1"), address("198.51.100.1"), address("172.16.0.1")])
        #expect(p.ipVersion == 6 && p.sourcePort == 5000)
    }

    @Test func nestingStopsAtTheLimit() {
        var packet = innerV4
        for _ in 0..<12 {
            packet = Build.ipInIP("192.0.2.1", "192.0.2.2", inner: packet)
        }
        let p = decodeFrame(packet, .raw)
        #expect(p.tunnels.count == PacketDecoder.maxTunnelDepth)
        #expect(p.kind == .ip && p.ipProtocol == 4 && p.ipOffset == 20 * PacketDecoder.maxTunnelDepth)
    }

    @Test func truncatedInnerPacketStaysTheInnerPacket() {
        let frame = Build.ethernet(Build.udp("192.0.2.1", 40000, "192.0.2.2", 4789, payload: Build.vxlan(innerEthernet, vni: 1)))
        let p = decodeFrame(Array(frame.dropLast(6)))
        #expect(p.tunnels.count == 1 && p.tunnels[0].ipLength == 86)
        #expect(p.source == address("10.0.0.1") && p.ipLength == 32 && p.payloadLength == 4)
        #expect(p.truncation == Truncation(layer: .ipv4, offset: 68, required: 32, available: 26))
    }

    @Test func tunnelsAreClearedAndKeepTheirCapacity() {
        var packet = DecodedPacket()
        let tunnelled = Build.ethernet(Build.ipInIP("192.0.2.1", "192.0.2.2", inner: Build.ipInIP("192.0.2.3", "192.0.2.4", inner: innerV4)))
        let plain = Build.ethernet(innerV4)
        tunnelled.withUnsafeBytes { PacketDecoder.decode($0, linkType: .ethernet, into: &packet) }
        #expect(packet.tunnels.count == 2)
        let capacity = packet.tunnels.capacity
        plain.withUnsafeBytes { PacketDecoder.decode($0, linkType: .ethernet, into: &packet) }
        #expect(packet.tunnels.isEmpty && packet.tunnels.capacity == capacity)
        #expect(packet.source == address("10.0.0.1") && packet.ipOffset == 14)
    }

    /// Packets on tunnel protocols or ports that Zeek does not decapsulate: the outer packet
    /// stays the packet, with no truncation report.
    @Test(arguments: [
        ("GRE with the routing bit", Build.greTunnel("192.0.2.1", "192.0.2.2", gre: Build.gre(innerV4, protocolType: 0x0800, routing: true))),
        ("GRE with reserved flags", Build.greTunnel("192.0.2.1", "192.0.2.2", gre: Build.gre(innerV4, protocolType: 0x0800, reservedFlags: 0x0040))),
        ("GRE version 2", Build.greTunnel("192.0.2.1", "192.0.2.2", gre: Build.gre(innerV4, protocolType: 0x0800, reservedFlags: 0x0002))),
        ("GRE ARP", Build.greTunnel("192.0.2.1", "192.0.2.2", gre: Build.gre(Array(repeating: 0, count: 28), protocolType: 0x0806))),
        ("GRE Ethernet with ARP inside", Build.greTunnel("192.0.2.1", "192.0.2.2",
                                                         gre: Build.gre(Build.ethernet(payload: Array(repeating: 0, count: 28), etherType: 0x0806),
                                                                        protocolType: 0x6558))),
        ("GRE IPv4 that is not IPv4", Build.greTunnel("192.0.2.1", "192.0.2.2", gre: Build.gre(innerV6, protocolType: 0x0800))),
        ("GRE inner longer than the tunnel", Build.greTunnel("192.0.2.1", "192.0.2.2", gre: Build.gre(Array(innerV4.dropLast(4)), protocolType: 0x0800))),
        ("GRE version 1 without PPP", Build.greTunnel("192.0.2.1", "192.0.2.2", gre: Build.gre(innerV4, protocolType: 0x0800, reservedFlags: 0x2001))),
        ("PPTP acknowledgment only", Build.greTunnel("192.0.2.1", "192.0.2.2", gre: Build.pptpGRE([], sequence: nil, acknowledgment: 5))),
        ("PPTP with trailing bytes", Build.greTunnel("192.0.2.1", "192.0.2.2", gre: Build.pptpGRE(innerV4) + [0, 0])),
        ("VXLAN without the I flag", Build.udp("192.0.2.1", 40000, "192.0.2.2", 4789, payload: Build.vxlan(innerEthernet, vni: 1, flags: 0))),
        ("VXLAN from port 4789", Build.udp("192.0.2.1", 4789, "192.0.2.2", 40000, payload: Build.vxlan(innerEthernet, vni: 1))),
        ("VXLAN header only", Build.udp("192.0.2.1", 40000, "192.0.2.2", 4789, payload: Build.vxlan([], vni: 1))),
        ("VXLAN short", Build.udp("192.0.2.1", 40000, "192.0.2.2", 4789, payload: [0x08, 0, 0])),
        ("Geneve version 1", Build.udp("192.0.2.1", 40000, "192.0.2.2", 6081, payload: Build.geneve(innerEthernet, vni: 1, version: 1))),
        ("Geneve ARP", Build.udp("192.0.2.1", 40000, "192.0.2.2", 6081,
                                 payload: Build.geneve(Array(repeating: 0, count: 28), protocolType: 0x0806, vni: 1))),
        ("Geneve options past the end", Build.udp("192.0.2.1", 40000, "192.0.2.2", 6081, payload: [0x3F, 0, 0x65, 0x58, 0, 0, 1, 0])),
        ("GTP echo request", Build.udp("192.0.2.1", 2152, "192.0.2.2", 2152, payload: Build.gtpU(innerV4, teid: 1, messageType: 1))),
        ("GTP version 2", Build.udp("192.0.2.1", 2152, "192.0.2.2", 2152, payload: Build.gtpU(innerV4, teid: 1, version: 2))),
        ("GTP non-IP payload", Build.udp("192.0.2.1", 2152, "192.0.2.2", 2152, payload: Build.gtpU(Array(repeating: 0x22, count: 40), teid: 1))),
        ("GTP with trailing bytes", Build.udp("192.0.2.1", 2152, "192.0.2.2", 2152, payload: Build.gtpU(innerV4 + [0, 0, 0], teid: 1))),
        ("GTP zero-length extension", Build.udp("192.0.2.1", 2152, "192.0.2.2", 2152,
                                                payload: [0x34, 0xFF, 0, 40, 0, 0, 0, 1, 0, 0, 0, 0x85, 0] + innerV4)),
        ("Teredo with IPv4 inside", Build.udp("192.0.2.1", 3544, "192.0.2.2", 50000, payload: Build.teredo(innerV4))),
        ("Teredo payload length mismatch", Build.udp("192.0.2.1", 3544, "192.0.2.2", 50000, payload: Build.teredo(innerV6 + [0, 0]))),
        ("Teredo authentication after origin", Build.udp("192.0.2.1", 3544, "192.0.2.2", 50000,
                                                         payload: Build.teredo([0, 1, 0, 0] + Array(repeating: 0, count: 9) + innerV6,
                                                                               origin: (port: 1, address: "192.0.2.9")))),
        ("TZSP version 2", Build.udp("192.0.2.1", 40000, "192.0.2.2", 37008, payload: Build.tzsp(innerEthernet, version: 2))),
        ("TZSP keep-alive type", Build.udp("192.0.2.1", 40000, "192.0.2.2", 37008, payload: Build.tzsp(innerEthernet, type: 4))),
        ("TZSP carrying 802.11", Build.udp("192.0.2.1", 40000, "192.0.2.2", 37008, payload: Build.tzsp(innerEthernet, encapsulated: 18))),
        ("TZSP without END", Build.udp("192.0.2.1", 40000, "192.0.2.2", 37008, payload: Build.tzsp([], tags: [0, 0, 0]))),
        ("TZSP tag past the end", Build.udp("192.0.2.1", 40000, "192.0.2.2", 37008, payload: Build.tzsp([], tags: [0x0A, 0x40, 1]))),
        ("TZSP Ethernet with ARP", Build.udp("192.0.2.1", 40000, "192.0.2.2", 37008,
                                             payload: Build.tzsp(Build.ethernet(payload: Array(repeating: 0, count: 28), etherType: 0x0806)))),
        ("CAPWAP DTLS", Build.udp("192.0.2.1", 40000, "192.0.2.2", 5247, payload: Build.capwapData(innerEthernet, native80211: false, preamble: 1))),
        ("CAPWAP keep-alive", Build.udp("192.0.2.1", 40000, "192.0.2.2", 5247, payload: Build.capwapData([], native80211: false, keepAlive: true))),
        ("CAPWAP fragment", Build.udp("192.0.2.1", 40000, "192.0.2.2", 5247,
                                      payload: Build.capwapData(Build.wifiData(innerV4), native80211: true, fragment: true))),
        ("CAPWAP HLEN past the end", Build.udp("192.0.2.1", 40000, "192.0.2.2", 5247, payload: [0, 0xF8, 0x03, 0, 0, 0, 0, 0])),
        ("CAPWAP HLEN below 2", Build.udp("192.0.2.1", 40000, "192.0.2.2", 5247, payload: [0, 0x08, 0x03, 0, 0, 0, 0, 0] + innerV4)),
        ("CAPWAP another binding", Build.udp("192.0.2.1", 40000, "192.0.2.2", 5247,
                                             payload: Build.capwapData(Build.wifiData(innerV4), native80211: true, wbid: 3))),
        ("CAPWAP protected 802.11", Build.udp("192.0.2.1", 40000, "192.0.2.2", 5247,
                                              payload: Build.capwapData(Build.wifiData(innerV4, protected: true), native80211: true))),
        ("CAPWAP 802.11 management frame", Build.udp("192.0.2.1", 40000, "192.0.2.2", 5247,
                                                     payload: Build.capwapData([0x40, 0] + Array(repeating: 0, count: 60), native80211: true))),
        ("CAPWAP 802.11 without SNAP", Build.udp("192.0.2.1", 40000, "192.0.2.2", 5247,
                                                 payload: Build.capwapData(Array(Build.wifiData(innerV4).prefix(24)) + [0x42, 0x42, 3] + innerV4,
                                                                           native80211: true))),
        ("IP-in-IP 4 with IPv6 inside", Build.ipv4(src: "192.0.2.1", dst: "192.0.2.2", protocol: 4, payload: innerV6)),
        ("IP-in-IP with trailing bytes", Build.ipv4(src: "192.0.2.1", dst: "192.0.2.2", protocol: 4, payload: innerV4 + [0, 0, 0, 0])),
        ("IP-in-IP empty", Build.ipv4(src: "192.0.2.1", dst: "192.0.2.2", protocol: 41, payload: [])),
    ])
    func notTunnelled(_ name: String, _ outer: [UInt8]) {
        let p = decodeFrame(Build.ethernet(outer))
        #expect(p.kind == .ip && p.tunnels.isEmpty, "\(name)")
        #expect(p.source == address("192.0.2.1") && p.ipOffset == 14 && p.ipLength == outer.count, "\(name)")
        #expect(p.truncation == nil, "\(name)")
    }

    @Test func teredoBubbleMayCarryTrailingBytes() {
        let bubble = Build.ipv6(src: "2001:0:4136:e378::1", dst: "2001:0:4136:e378::2", nextHeader: 59, payload: [])
        let p = decodeFrame(Build.ethernet(Build.udp("192.0.2.1", 3544, "192.0.2.2", 50000, payload: Build.teredo(bubble) + [1, 2])))
        #expect(p.tunnels.map(\.kind) == [.teredo])
        #expect(p.ipVersion == 6 && p.ipProtocol == 59)
    }

    @Test func gtpIsNotTakenOffTwice() {
        let innerGTP = Build.udp("172.16.0.1", 2152, "172.16.0.2", 2152, payload: Build.gtpU(innerV4, teid: 2))
        let p = decodeFrame(Build.ethernet(Build.udp("192.0.2.1", 2152, "192.0.2.2", 2152, payload: Build.gtpU(innerGTP, teid: 1))))
        #expect(p.tunnels.map(\.kind) == [.gtpU])
        #expect(p.source == address("172.16.0.1") && p.ipProtocol == 17 && p.destinationPort == 2152)
    }

    @Test func outerFragmentsAreNotDecapsulated() {
        let gre = Build.greTunnel("192.0.2.1", "192.0.2.2", gre: Build.gre(Build.udp("10.0.0.1", 1, "10.0.0.2", 2, payload: Array(repeating: 5, count: 200)),
                                                                          protocolType: 0x0800))
        let fragments = Build.ipv4Fragments(gre, fragmentSize: 96)
        let first = decodeFrame(fragments[0], .raw)
        #expect(first.isFragment && first.tunnels.isEmpty && first.ipProtocol == 47)
    }

    @Test func innerFragmentsKeepTheirFrameOffsets() {
        let datagram = Build.udp("10.0.0.1", 1, "10.0.0.2", 2, payload: Array(repeating: 5, count: 200))
        let fragment = Build.ipv4Fragments(datagram, fragmentSize: 96)[1]
        let p = decodeFrame(Build.ethernet(Build.greTunnel("192.0.2.1", "192.0.2.2", gre: Build.gre(fragment, protocolType: 0x0800))))
        #expect(p.tunnels.count == 1 && p.isFragment && p.fragmentOffset == 96 && p.ipOffset == 14 + 20 + 4)
    }

    @Test func reassembledDatagramKeepsTheTunnelsOfItsLastFragment() {
        var packet = decodeFrame(Build.ethernet(Build.ipInIP("192.0.2.1", "192.0.2.2", inner: innerV4)))
        let datagram = Build.udp("10.0.0.1", 1, "10.0.0.2", 2, payload: [1])
        datagram.withUnsafeBytes { PacketDecoder.decodeReassembled($0, into: &packet) }
        #expect(packet.tunnels.count == 1 && packet.ipOffset == 0 && packet.ipProtocol == 17 && packet.destinationPort == 2)
    }

    @Test func linuxCookedAndRawLinksDecapsulateToo() {
        let gre = Build.greTunnel("192.0.2.1", "192.0.2.2", gre: Build.gre(innerV4, protocolType: 0x0800))
        let sll = decodeFrame(Build.linuxSLL(gre), .linuxSLL)
        #expect(sll.tunnels.first?.ipOffset == 16 && sll.ipOffset == 16 + 24)
        let raw = decodeFrame(gre, .raw)
        #expect(raw.tunnels.first?.ipOffset == 0 && raw.ipOffset == 24)
    }

    /// Garbage after tunnel headers never crashes the decoder.
    @Test func randomPayloadsOnTunnelPortsNeverCrash() {
        var generator = SplitMix64.forTest()
        let headers: [[UInt8]] = [
            Build.vxlan([], vni: 1), Build.geneve([], vni: 1), [0x34, 0xFF, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x85],
            [0, 1, 2, 3], [0, 0, 0, 0, 0, 0, 0, 0],
        ]
        for _ in 0..<3000 {
            let header = headers.randomElement(using: &generator)!
            let junk = (0..<Int.random(in: 0..<80, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let port = [TunnelPort.vxlan, TunnelPort.geneve, TunnelPort.gtpU, TunnelPort.teredo].randomElement(using: &generator)!
            let udp = Build.udp("192.0.2.1", port, "192.0.2.2", port, payload: header + junk)
            let gre = Build.greTunnel("192.0.2.1", "192.0.2.2", gre: junk.isEmpty ? [] : [junk[0] & 0x81] + junk.dropFirst())
            for frame in [udp, gre, Build.ipInIP("192.0.2.1", "192.0.2.2", inner: [0x45] + junk)] {
                let p = decodeFrame(frame, .raw)
                #expect(p.kind == .ip)
                if p.tunnels.isEmpty { #expect(p.source == address("192.0.2.1")) }
            }
        }
    }
}

// MARK: - Corpus: inner flows against Zeek and nDPI

private let tunnelCorpus = SharedCorpus.path


/// A flow's identity without direction: protocol and both (address, port) ends, lower first.
struct TunnelFlowKey: Hashable, Comparable, CustomStringConvertible {
    var ipProtocol: UInt8
    var a: IPAddress
    var aPort: UInt16
    var b: IPAddress
    var bPort: UInt16

    init(_ ipProtocol: UInt8, _ x: IPAddress, _ xPort: UInt16, _ y: IPAddress, _ yPort: UInt16) {
        self.ipProtocol = ipProtocol
        if (y, yPort) < (x, xPort) {
            (a, aPort, b, bPort) = (y, yPort, x, xPort)
        } else {
            (a, aPort, b, bPort) = (x, xPort, y, yPort)
        }
    }

    static func < (l: Self, r: Self) -> Bool {
        (l.ipProtocol, l.a, l.aPort, l.b, l.bPort) < (r.ipProtocol, r.a, r.aPort, r.b, r.bPort)
    }

    var description: String { "\(ipProtocol) \(a):\(aPort) <-> \(b):\(bPort)" }
}

/// Packets per flow found by decoding a capture: inner flows of tunnelled packets, and the
/// other flows (UDP tunnel layers, whose outer flows Zeek logs, and packets not tunnelled).
struct TunnelScan {
    var inner: [TunnelFlowKey: Int] = [:]
    var other: [TunnelFlowKey: Int] = [:]
    var kinds: Set<[TunnelKind]> = []
    var packets = 0
    /// IP packets left as they were (no tunnel taken off).
    var notTunnelled = 0
}

func scanTunnels(_ name: String) throws -> TunnelScan {
    let reader = try CaptureReader.open(path: tunnelCorpus + "/captures/" + name)
    var scan = TunnelScan()
    var p = DecodedPacket()
    _ = reader.forEachPacket { header, bytes in
        scan.packets += 1
        PacketDecoder.decode(bytes, linkType: header.linkType, into: &p)
        guard p.kind == .ip else { return }
        let key = TunnelFlowKey(p.ipProtocol, p.source, p.sourcePort, p.destination, p.destinationPort)
        if p.tunnels.isEmpty {
            scan.other[key, default: 0] += 1
            scan.notTunnelled += 1
            return
        }
        scan.inner[key, default: 0] += 1
        scan.kinds.insert(p.tunnels.map(\.kind))
        for layer in p.tunnels where layer.hasPorts {
            scan.other[TunnelFlowKey(layer.ipProtocol, layer.source, layer.sourcePort, layer.destination, layer.destinationPort), default: 0] += 1
        }
    }
    return scan
}

/// conn.log rows: (flow, orig_pkts + resp_pkts, has tunnel_parents).
func zeekConnRows(_ name: String) throws -> [(TunnelFlowKey, Int, Bool)] {
    let text = try String(contentsOfFile: tunnelCorpus + "/refs/" + name + ".zeek-conn.log", encoding: .utf8)
    var fields: [String] = []
    var rows: [(TunnelFlowKey, Int, Bool)] = []
    for line in text.split(separator: "\n") {
        let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        if columns.first == "#fields" { fields = Array(columns.dropFirst()); continue }
        if line.hasPrefix("#") || fields.isEmpty { continue }
        func value(_ field: String) -> String { columns[fields.firstIndex(of: field)!] }
        let proto: UInt8 = switch value("proto") { case "tcp": 6; case "udp": 17; default: value("id.orig_h").contains(":") ? 58 : 1 }
        let key = TunnelFlowKey(proto, IPAddress(value("id.orig_h"))!, UInt16(value("id.orig_p"))!,
                                IPAddress(value("id.resp_h"))!, UInt16(value("id.resp_p"))!)
        rows.append((key, Int(value("orig_pkts"))! + Int(value("resp_pkts"))!, value("tunnel_parents") != "-"))
    }
    return rows
}

/// nDPI flow lines: `PROTO a:p <-> b:q [...][N pkts/B bytes <-> M pkts/C bytes]`.
func ndpiFlows(_ name: String) throws -> [TunnelFlowKey: Int] {
    let text = try String(contentsOfFile: tunnelCorpus + "/refs/" + name + ".ndpi.out", encoding: .utf8)
    let protocols: [String: UInt8] = ["TCP": 6, "UDP": 17, "ICMP": 1, "ICMPV6": 58, "ESP": 50, "GRE": 47, "SCTP": 132]
    func endpoint(_ text: Substring) -> (IPAddress, UInt16)? {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else { return nil }
        let host = text[..<colon].trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return IPAddress(host).map { ($0, port) }
    }
    var flows: [TunnelFlowKey: Int] = [:]
    for line in text.split(separator: "\n") where line.hasPrefix("\t") {
        let words = line.split(separator: " ")
        guard words.count > 4, let first = words.first, let proto = protocols[String(first.split(separator: "\t").last ?? "")],
              let x = endpoint(words[1]), let y = endpoint(words[3]),
              let counts = line.range(of: #"\[(\d+) pkts/\d+ bytes (<->|->) (\d+) pkts/\d+ bytes\]"#, options: .regularExpression)
        else { continue }
        let numbers = line[counts].split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        flows[TunnelFlowKey(proto, x.0, x.1, y.0, y.1), default: 0] += numbers[0] + numbers[2]
    }
    return flows
}

@Suite(.enabled(if: SharedCorpus.isPresent, "needs ../shared/corpus next to the package"))
struct TunnelCorpusTests {
    @Test(arguments: [
        ("zeek__tunnels__gre-sample.pcap", [TunnelKind.gre]),
        ("zeek__tunnels__gre-within-gre.pcap", [.gre, .gre]),
        ("zeek__tunnels__vxlan.pcap", [.vxlan]),
        ("zeek__tunnels__geneve.pcap", [.geneve]),
    ])
    func innerFlowsMatchZeek(_ name: String, _ kinds: [TunnelKind]) throws {
        let scan = try scanTunnels(name)
        let rows = try zeekConnRows(name)
        var zeekInner: [TunnelFlowKey: Int] = [:]
        var zeekOther: [TunnelFlowKey: Int] = [:]
        for (key, packets, tunnelled) in rows {
            if tunnelled { zeekInner[key, default: 0] += packets } else { zeekOther[key, default: 0] += packets }
        }
        #expect(scan.kinds == [kinds], "\(name): tunnel stacks \(scan.kinds)")
        #expect(scan.inner == zeekInner, "\(name): inner flows\n ours: \(scan.inner.sorted { $0.key < $1.key })\n zeek: \(zeekInner.sorted { $0.key < $1.key })")
        #expect(scan.other == zeekOther, "\(name): outer flows\n ours: \(scan.other.sorted { $0.key < $1.key })\n zeek: \(zeekOther.sorted { $0.key < $1.key })")
    }

    @Test(arguments: [
        ("ndpi__4in6tunnel.pcap", [TunnelKind.ipInIP]),
        ("ndpi__ipv6_in_gtp.pcap", [.gtpU]),
    ])
    func innerFlowsMatchNDPI(_ name: String, _ kinds: [TunnelKind]) throws {
        let scan = try scanTunnels(name)
        let reference = try ndpiFlows(name)
        #expect(!reference.isEmpty)
        #expect(scan.kinds == [kinds], "\(name): tunnel stacks \(scan.kinds)")
        #expect(scan.inner == reference, "\(name): inner flows\n ours: \(scan.inner)\n nDPI: \(reference)")
        #expect(scan.notTunnelled == 0, "\(name): packets left undecapsulated: \(scan.other)")
    }
}

/// Packets that look like tunnels (tunnel port or protocol, a valid tunnel header) but whose
/// inner packet is of no use: the decoder must put the outer layer back exactly as a decode
/// without decapsulation finds it, every field (``LayerFields`` is compared whole).
@Suite struct RejectedTunnelTests {
    struct Candidate: CustomStringConvertible, Sendable {
        var name: String
        var frame: [UInt8]
        /// The UDP length field, worked out from the bytes built (-1 when not UDP).
        var udpLength: Int
        var description: String { name }
    }

    // Inner payloads: an ARP frame (not IP), bytes with IP version 5 or 0, and IP packets whose
    // lengths contradict the tunnel's.
    static let arpFrame = Build.ethernet(payload: [UInt8](repeating: 0, count: 28), etherType: 0x0806)
    static let version5 = [UInt8](repeating: 0x55, count: 24)
    static let version0 = [UInt8](repeating: 0x00, count: 20)
    static let candidates: [Candidate] = [
        // UDP 8 + VXLAN 8 + Ethernet 14 + ARP 28 = 58.
        Candidate(name: "VXLAN carrying ARP",
                  frame: Build.ethernet(Build.udp("192.0.2.1", 40000, "192.0.2.2", 4789, payload: Build.vxlan(arpFrame, vni: 1))),
                  udpLength: 58),
        // UDP 8 + Geneve 8 + 24 = 40.
        Candidate(name: "Geneve IPv4 with version 5",
                  frame: Build.ethernet(Build.udp("192.0.2.1", 40000, "192.0.2.2", 6081,
                                                  payload: Build.geneve(version5, protocolType: 0x0800, vni: 1))),
                  udpLength: 40),
        // UDP 8 + GTP-U 8 + 20 = 36.
        Candidate(name: "GTP-U T-PDU with IP version 0",
                  frame: Build.ethernet(Build.udp("192.0.2.1", 2152, "192.0.2.2", 2152, payload: Build.gtpU(version0, teid: 1))),
                  udpLength: 36),
        // UDP 8 + GTP-U 8 + IPv4 32 + 4 extra bytes = 52: the inner packet does not fill the T-PDU.
        Candidate(name: "GTP-U T-PDU longer than its IPv4 packet",
                  frame: Build.ethernet(Build.udp("192.0.2.1", 2152, "192.0.2.2", 2152,
                                                  payload: Build.gtpU(innerV4Packet + [0, 0, 0, 0], teid: 1))),
                  udpLength: 52),
        // UDP 8 + IPv6 52 + 3 extra bytes = 63: the IPv6 payload length (12) does not fill the datagram.
        Candidate(name: "Teredo with a short IPv6 payload length",
                  frame: Build.ethernet(Build.udp("192.0.2.1", 3544, "192.0.2.2", 50000,
                                                  payload: Build.teredo(innerV6Packet + [1, 2, 3]))),
                  udpLength: 63),
        Candidate(name: "GRE IPv4 with header length 12",
                  frame: Build.ethernet(Build.greTunnel("192.0.2.1", "192.0.2.2",
                                                        gre: Build.gre([0x43] + [UInt8](repeating: 0, count: 19), protocolType: 0x0800))),
                  udpLength: -1),
        Candidate(name: "IP-in-IP shorter than the outer payload",
                  frame: Build.ethernet(Build.ipInIP("192.0.2.1", "192.0.2.2", inner: innerV4Packet + [0, 0, 0, 0])),
                  udpLength: -1),
    ]
    static let innerV4Packet = Build.icmp("10.0.0.1", "10.0.0.2", type: 8, identifier: 7, sequence: 1, payload: [1, 2, 3, 4])
    static let innerV6Packet = Build.udp("2001:db8::1", 5000, "2001:db8::2", 5001, payload: [9, 9, 9, 9])

    @Test(arguments: candidates)
    func theOuterLayerIsRestoredWhole(_ c: Candidate) {
        let decapsulated = decodeFrame(c.frame)
        let plain = decodeFrame(c.frame, decapsulate: false)
        #expect(decapsulated.tunnels.isEmpty)
        #expect(decapsulated.kind == .ip && plain.kind == .ip && plain.truncation == nil)
        #expect(decapsulated.layer == plain.layer)
        #expect(decapsulated.vlanID == plain.vlanID)
        #expect(decapsulated.udpLength == c.udpLength)
    }

    /// Zeek sizes UDP from the length field: the rejected VXLAN candidate's outer flow has
    /// orig_bytes 58 - 8 = 50, one packet, history "D".
    @Test func theOuterUDPFlowKeepsItsLength() throws {
        let (flows, _) = try runFlows([PcapRecord(seconds: 1, Self.candidates[0].frame)]) {
            $0.flow = FlowConfiguration(preset: .zeek)
        }
        try #require(flows.count == 1)
        #expect(flows[0].zeek.origBytes == 50 && flows[0].zeek.origPackets == 1 && flows[0].zeek.history == "D")
    }
}
