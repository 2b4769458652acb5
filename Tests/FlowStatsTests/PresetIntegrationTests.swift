@testable import FlowStats
import FlowStatsTestSupport
import Testing

/// Tunnels, reassembly, checksum verification and Zeek semantics through the whole pipeline
/// (pcap file → reader → decoder → flow table); expected values worked out by hand.
@Suite struct TunnelFlowTests {
    /// An ICMP echo request/reply between 10.1.0.1 and 10.1.0.2, each in VXLAN (VNI 7) from a
    /// different outer source port: outer UDP flows 192.0.2.1:40001→4789 and 192.0.2.2:40002→4789.
    static func vxlanPing() -> [PcapRecord] {
        let request = Build.ethernet(Build.icmp("10.1.0.1", "10.1.0.2", type: 8, identifier: 1, sequence: 1))
        let reply = Build.ethernet(Build.icmp("10.1.0.2", "10.1.0.1", type: 0, identifier: 1, sequence: 1))
        return [
            PcapRecord(seconds: 1, Build.ethernet(Build.udp("192.0.2.1", 40001, "192.0.2.2", 4789, payload: Build.vxlan(request, vni: 7)))),
            PcapRecord(seconds: 1.5, Build.ethernet(Build.udp("192.0.2.2", 40002, "192.0.2.1", 4789, payload: Build.vxlan(reply, vni: 7)))),
        ]
    }

    // Frame sizes: inner ICMP echo = 20 + 8 = 28 bytes IP, 42 with its Ethernet header;
    // VXLAN adds 8, outer UDP 8, outer IPv4 20, outer Ethernet 14: 92-byte frames, outer IP 78.

    @Test func bothModeWritesTheTunnelFlowsAndTheInnerFlowWithItsParents() throws {
        let (rows, _) = try runFlowsWithGroups(Self.vxlanPing())
        try #require(rows.count == 3)
        let innerRow = try #require(rows.first { $0.record.key.ipProtocol == 1 })
        let inner = innerRow.record
        #expect(inner.packets == 2 && inner.wireBytes == 2 * 92 && innerRow.sizeTiming.forwardIPBytes == 28)
        #expect(inner.client.address.description == "10.1.0.1")
        #expect(inner.tunnelParents.map(\.description).sorted() == ["UDP 192.0.2.1:40001>192.0.2.2:4789",
                                                                    "UDP 192.0.2.2:40002>192.0.2.1:4789"])
        let outerRows = rows.filter { $0.record.key.ipProtocol == 17 }
        let outer = outerRows.map(\.record)
        #expect(outer.count == 2 && outerRows.allSatisfy {
            $0.record.packets == 1 && $0.sizeTiming.forwardIPBytes == 78 && $0.record.tunnelParents.isEmpty
        })
        #expect(Set(inner.tunnelParents.map(\.uid)) == Set(outer.map(\.uid)))
    }

    @Test func innerModeWritesOnlyTheInnerFlow() throws {
        let (flows, _) = try runFlows(Self.vxlanPing()) { $0.flow.tunnels = .inner }
        #expect(flows.count == 1 && flows.first?.key.ipProtocol == 1 && flows.first?.tunnelParents.isEmpty == true)
    }

    @Test func outerModeDoesNotDecapsulate() throws {
        let (flows, _) = try runFlows(Self.vxlanPing()) { $0.flow.tunnels = .outer }
        #expect(flows.count == 2 && flows.allSatisfy { $0.key.ipProtocol == 17 })
    }

    @Test func greInGreNamesTheInnermostTunnel() throws {
        let udp = Build.udp("10.9.0.1", 1000, "10.9.0.2", 53, payload: [1, 2, 3, 4])
        let innerGRE = Build.greTunnel("172.16.0.1", "172.16.0.2", gre: Build.gre(udp, protocolType: 0x0800))
        let outerGRE = Build.greTunnel("192.0.2.1", "192.0.2.2", gre: Build.gre(innerGRE, protocolType: 0x0800))
        let (flows, _) = try runFlows([PcapRecord(seconds: 0, Build.ethernet(outerGRE))])
        try #require(flows.count == 3)
        let dns = try #require(flows.first { $0.key.ipProtocol == 17 })
        #expect(dns.tunnelParents.map(\.description) == ["GRE 172.16.0.1:0>172.16.0.2:0"])
        let middle = try #require(flows.first { $0.client.address.description == "172.16.0.1" })
        #expect(middle.tunnelParents.map(\.description) == ["GRE 192.0.2.1:0>192.0.2.2:0"])
    }
}

@Suite struct ZeekPresetTests {
    @Test func fragmentsReassembleIntoOnePacket() throws {
        // A 3000-byte UDP payload in 3 fragments: one datagram of 20 + 3008 IP bytes.
        let datagram = Build.udp("10.0.0.1", 5000, "10.0.0.2", 6000, payload: Array(repeating: 7, count: 3000), ipID: 9)
        let fragments = Build.ipv4Fragments(datagram, fragmentSize: 1480)
        let records = fragments.enumerated().map { PcapRecord(seconds: Double($0.offset) * 0.001, Build.ethernet($0.element)) }
        let (flows, _) = try runFlows(records) { $0.flow = FlowConfiguration(preset: .zeek) }
        try #require(flows.count == 1)
        #expect(flows[0].zeek.origPackets == 1 && flows[0].zeek.origIPBytes == 3028)
        #expect(flows[0].forward.packets == 1)
        #expect(flows[0].zeek.origBytes == 3000 || !flows[0].zeek.sizesLogged)  // one packet: duration 0, sizes unset
    }

    @Test func badChecksumPacketsAreDroppedButLeaveTheirLetter() throws {
        var syn = Build.ethernet(Build.tcp("10.0.0.1", 40000, "10.0.0.2", 80, flags: [.syn], seq: 1))
        syn[14 + 20 + 16] ^= 0xFF  // corrupt the TCP checksum
        let (flows, _) = try runFlows([PcapRecord(seconds: 0, syn)]) {
            $0.flow = FlowConfiguration(preset: .zeek)
            $0.flow.verifyChecksums = true
        }
        try #require(flows.count == 1)
        #expect(flows[0].zeek.origPackets == 0 && flows[0].zeek.respPackets == 0)
        #expect(flows[0].zeek.history == "C" && flows[0].zeek.connState == "OTH")
        #expect(flows[0].packets == 0)
    }

    @Test func zeekFlipsAServerPortSender() throws {
        // First packet seen: data from port 80 to an ephemeral port (the SYN was missed).
        let (flows, _) = try runFlows([
            tcpFrame(0, fromClient: false, [.psh, .ack], seq: 500, ack: 100, payload: 10),
            tcpFrame(0.1, fromClient: true, [.ack], seq: 100, ack: 510),
        ]) { $0.flow = FlowConfiguration(preset: .zeek) }
        try #require(flows.count == 1)
        #expect(flows[0].client.port == clientPort)  // the originator is the client, not the sender
        #expect(flows[0].zeek.history.hasPrefix("^"))
    }

    @Test func synWithANewISNOnAnOpenConnectionIsReuse() throws {
        let (flows, _) = try runFlows([
            tcpFrame(0, fromClient: true, [.syn], seq: 1000),
            tcpFrame(0.01, fromClient: false, [.syn, .ack], seq: 5000, ack: 1001),
            tcpFrame(0.02, fromClient: true, [.ack], seq: 1001, ack: 5001),
            tcpFrame(1.0, fromClient: true, [.syn], seq: 900_000),  // new ISN, no close
        ]) { $0.flow = FlowConfiguration(preset: .zeek) }
        try #require(flows.count == 2)
        #expect(flows[0].endReason == .reuse && flows[0].packets == 3)
        #expect(flows[1].packets == 1 && flows[1].firstNs == ns(1.0))
    }

    @Test func zeekTimeoutsArePerProtocol() throws {
        // UDP inactivity 60 s: packets 70 s apart are two connections; TCP 300 s: one.
        let udp = try runFlows([udpFrame(0, fromClient: true, payload: 1), udpFrame(70, fromClient: true, payload: 1)]) {
            $0.flow = FlowConfiguration(preset: .zeek)
        }.flows
        #expect(udp.count == 2)
        let tcp = try runFlows([
            tcpFrame(0, fromClient: true, [.syn], seq: 1),
            tcpFrame(0.1, fromClient: false, [.syn, .ack], seq: 9, ack: 2),
            tcpFrame(0.2, fromClient: true, [.ack], seq: 2, ack: 10),
            tcpFrame(200, fromClient: true, [.psh, .ack], seq: 2, ack: 10, payload: 5),
        ]) { $0.flow = FlowConfiguration(preset: .zeek) }.flows
        #expect(tcp.count == 1)
    }
}

@Suite struct NFStreamPresetTests {
    @Test func tcpCloseDoesNotEndTheFlow() throws {
        var records = TCPLifecycleTests.fullConnection()
        records.append(tcpFrame(10, fromClient: true, [.syn], seq: 77_000))  // a new SYN after the close
        let (flows, _) = try runFlows(records) { $0.flow = FlowConfiguration(preset: .nfstream) }
        #expect(flows.count == 1 && flows.first?.packets == 9 && flows.first?.endReason == .eof)
    }
}
