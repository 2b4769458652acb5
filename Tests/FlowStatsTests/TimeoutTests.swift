import FlowStats
import FlowStatsTestSupport
import Testing
import Foundation

@Suite struct TimeoutTests {
    @Test func idleTimeoutSplitsAFlow() throws {
        // 120 s idle: packets at 0 and 10 s form one flow; 200 s is 190 s after the last packet.
        let (flows, _) = try runFlows([
            udpFrame(0, fromClient: true, payload: 10),
            udpFrame(10, fromClient: false, payload: 20),
            udpFrame(200, fromClient: true, payload: 30),
        ])
        try #require(flows.count == 2)
        #expect(flows[0].endReason == .idle && flows[0].packets == 2 && flows[0].durationNs == ns(10))
        #expect(flows[1].endReason == .eof && flows[1].packets == 1 && flows[1].firstNs == ns(200))
    }

    @Test func idleTimeoutIsInclusive() throws {
        // A packet exactly idle-timeout after the last one starts a new flow (as in Zeek and NFStream).
        let (flows, _) = try runFlows([
            udpFrame(0, fromClient: true, payload: 10),
            udpFrame(120, fromClient: true, payload: 10),
        ])
        #expect(flows.map(\.endReason) == [.idle, .eof])
    }

    @Test func activeTimeoutSplitsAndKeepsTheDirection() throws {
        // Active timeout 25 s: packets every 10 s. The first record holds 0, 10, 20 s; the next
        // starts at 30 s with a packet from the *server*, yet keeps the same client.
        let records = [
            udpFrame(0, fromClient: true, payload: 10),
            udpFrame(10, fromClient: false, payload: 20),
            udpFrame(20, fromClient: true, payload: 10),
            udpFrame(30, fromClient: false, payload: 20),
            udpFrame(40, fromClient: true, payload: 10),
            udpFrame(50, fromClient: false, payload: 20),
        ]
        let (flows, _) = try runFlows(records) { $0.flow.activeTimeoutNs = ns(25) }
        try #require(flows.count == 2)
        #expect(flows[0].endReason == .active)
        #expect(flows[0].packets == 3 && flows[0].forward.packets == 2 && flows[0].durationNs == ns(20))
        #expect(flows[1].endReason == .eof)
        #expect(flows[1].firstNs == ns(30) && flows[1].packets == 3)
        #expect(flows[1].client.address.description == clientIP)
        #expect(flows[1].forward.packets == 1 && flows[1].backward.packets == 2)
    }

    @Test func activeTimeoutZeroDisablesIt() throws {
        let records = (0..<10).map { udpFrame(Double($0) * 100, fromClient: true, payload: 5) }
        let (flows, _) = try runFlows(records) { $0.flow.activeTimeoutNs = 0 }
        #expect(flows.count == 1 && flows.first?.packets == 10)
    }

    @Test func expiredFlowsAreWrittenInTheOrderTheyEnd() throws {
        // Port 2000's last packet is at 5 s (idle deadline 125 s), port 1000's at 6 s (126 s);
        // the packet at 500 s ends both by idle, in deadline order; port 3000 ends at end of file.
        let (flows, _) = try runFlows([
            udpFrame(5, fromClient: true, payload: 1, sport: 2000),
            udpFrame(5, fromClient: true, payload: 1, sport: 2000),
            udpFrame(6, fromClient: true, payload: 1, sport: 1000),
            udpFrame(500, fromClient: true, payload: 1, sport: 3000),
        ])
        #expect(flows.map(\.client.port) == [2000, 1000, 3000])
        // Same deadline: ties are broken by key (lower endpoint first).
        let (tied, _) = try runFlows([
            udpFrame(0, fromClient: true, payload: 1, sport: 2000),
            udpFrame(0, fromClient: true, payload: 1, sport: 1000),
            udpFrame(500, fromClient: true, payload: 1, sport: 3000),
        ])
        #expect(tied.map(\.client.port) == [1000, 2000, 3000])
    }

    @Test func flowsOpenAtEndOfFileAreWrittenInKeyOrder() throws {
        let (flows, _) = try runFlows([
            udpFrame(0, fromClient: true, payload: 1, sport: 3000),
            udpFrame(1, fromClient: true, payload: 1, sport: 1000),
            udpFrame(2, fromClient: true, payload: 1, sport: 2000),
        ])
        #expect(flows.map(\.client.port) == [1000, 2000, 3000])
        #expect(flows.allSatisfy { $0.endReason == .eof })
    }

    @Test func backwardsTimestampsAreTakenAsTheLatestTimeAndCounted() throws {
        let (flows, report) = try runFlows([
            udpFrame(10, fromClient: true, payload: 1),
            udpFrame(9, fromClient: false, payload: 1),   // earlier than the packet before
            udpFrame(11, fromClient: true, payload: 1),
        ])
        #expect(report.backwardsTimestamps == 1)
        #expect(report.warnings.contains { $0.contains("1 packets had a timestamp earlier") })
        try #require(flows.count == 1)
        #expect(flows[0].firstNs == ns(10) && flows[0].durationNs == ns(1))
        #expect(flows[0].packets == 3)
    }

    @Test func memoryFollowsLiveFlows() throws {
        // 2000 sequential short UDP exchanges, each idle-expired long before the file ends:
        // every flow is written when it expires, none waits for the end of the file.
        var records: [PcapRecord] = []
        for i in 0..<2000 {
            records.append(udpFrame(Double(i) * 10, fromClient: true, payload: 1, sport: UInt16(10000 + i)))
        }
        let (flows, _) = try runFlows(records) { $0.flow.idle = IdleTimeouts(all: ns(5)) }
        #expect(flows.count == 2000)
        #expect(flows.dropLast().allSatisfy { $0.endReason == .idle })
        #expect(flows.last?.endReason == .eof)
    }
}

@Suite struct ProtocolFlowTests {
    @Test func udpRequestResponseIsOneFlow() throws {
        let (flows, _) = try runFlows([
            udpFrame(0, fromClient: true, payload: 30),
            udpFrame(0.001, fromClient: false, payload: 100),
        ])
        try #require(flows.count == 1)
        let f = flows[0]
        #expect(IPProtocol(rawValue: f.key.ipProtocol) == .udp)
        #expect(f.client.port == 5353 && f.server.port == 53)
        #expect(f.forward.wireBytes == 14 + 20 + 8 + 30 && f.backward.wireBytes == 14 + 20 + 8 + 100)
        #expect(f.zeek.connState == "SF" && f.zeek.history == "Dd")  // both sides sent data
    }

    @Test func icmpEchoRequestAndReplyAreOneFlow() throws {
        let (flows, _) = try runFlows([
            PcapRecord(seconds: 0, Build.ethernet(Build.icmp(clientIP, serverIP, type: 8, identifier: 7, sequence: 1, payload: Array(repeating: 0, count: 56)))),
            PcapRecord(seconds: 0.001, Build.ethernet(Build.icmp(serverIP, clientIP, type: 0, identifier: 7, sequence: 1, payload: Array(repeating: 0, count: 56)))),
        ])
        try #require(flows.count == 1)
        #expect(IPProtocol(rawValue: flows[0].key.ipProtocol) == .icmp)
        #expect(flows[0].client.address.description == clientIP)
        #expect(flows[0].client.port == 8 && flows[0].server.port == 0)  // type and its counterpart
        #expect(flows[0].forward.wireBytes == 14 + 20 + 8 + 56)
        #expect(flows[0].backward.packets == 1)
    }

    @Test func icmpv6EchoIsOneFlow() throws {
        let (flows, _) = try runFlows([
            PcapRecord(seconds: 0, Build.ethernet(Build.icmp("2001:db8::1", "2001:db8::2", type: 128, identifier: 1))),
            PcapRecord(seconds: 0.5, Build.ethernet(Build.icmp("2001:db8::2", "2001:db8::1", type: 129, identifier: 1))),
        ])
        try #require(flows.count == 1)
        #expect(IPProtocol(rawValue: flows[0].key.ipProtocol) == .icmpv6)
        #expect(flows[0].client.address.description == "2001:db8::1")
        #expect(flows[0].client.port == 128 && flows[0].server.port == 129)
        #expect(flows[0].wireBytes == 2 * (14 + 40 + 8))
    }

    @Test func onePacketFlowsAreKept() throws {
        let (flows, _) = try runFlows([
            tcpFrame(0, fromClient: true, [.syn], seq: 1),
            udpFrame(1, fromClient: true, payload: 5),
            PcapRecord(seconds: 2, Build.ethernet(Build.icmp(clientIP, serverIP, type: 3, code: 3))),
        ])
        #expect(flows.count == 3)
        #expect(flows.allSatisfy { $0.packets == 1 })
        let icmp = flows.first { $0.key.ipProtocol == 1 }
        #expect(icmp?.client.port == 3 && icmp?.server.port == 3)  // unreachable: type, code
    }

    @Test func otherProtocolsAreFlowsWithPortsZero() throws {
        let gre = Build.ipv4(src: clientIP, dst: serverIP, protocol: 47, payload: [0, 0, 0x08, 0x00])
        let (flows, _) = try runFlows([PcapRecord(seconds: 0, Build.ethernet(gre)), PcapRecord(seconds: 1, Build.ethernet(gre))])
        try #require(flows.count == 1)
        #expect(flows[0].key.ipProtocol == 47 && flows[0].client.port == 0 && flows[0].server.port == 0)
        #expect(flows[0].packets == 2)
    }

    @Test func vlanIsPartOfTheKeyOnlyWhenAsked() throws {
        let ip = Build.udp(clientIP, 1234, serverIP, 53, payload: [1, 2, 3])
        let records = [
            PcapRecord(seconds: 0, Build.ethernet(ip, vlans: [10])),
            PcapRecord(seconds: 1, Build.ethernet(ip, vlans: [20])),
        ]
        #expect(try runFlows(records).flows.count == 1)
        let keyed = try runFlows(records) { $0.flow.vlanInKey = true }.flows
        #expect(keyed.count == 2)
        #expect(keyed.map(\.vlanID).sorted() == [10, 20])
    }

    @Test func fragmentsJoinTheFlowOfTheirDatagram() throws {
        let datagram = Build.udp(clientIP, 5000, serverIP, 6000, payload: Array(repeating: 7, count: 3000), ipID: 0x4242)
        let fragments = Build.ipv4Fragments(datagram, fragmentSize: 1480)
        try #require(fragments.count == 3)
        let records = fragments.enumerated().map { PcapRecord(seconds: Double($0.offset) * 0.001, Build.ethernet($0.element)) }
        let (rows, _) = try runFlowsWithGroups(records)
        try #require(rows.count == 1)
        let flow = rows[0].record
        #expect(flow.client.port == 5000 && flow.server.port == 6000)
        #expect(flow.packets == 3)
        // IP bytes: 3 headers of 20 + 3008 bytes of UDP (header + payload).
        #expect(rows[0].sizeTiming.forwardIPBytes == 3 * 20 + 3008)
    }

    @Test func fragmentsWithoutTheFirstGoToAPortsZeroFlow() throws {
        let datagram = Build.udp(clientIP, 5000, serverIP, 6000, payload: Array(repeating: 7, count: 3000), ipID: 0x4243)
        let fragments = Build.ipv4Fragments(datagram, fragmentSize: 1480)
        let records = fragments.dropFirst().enumerated().map { PcapRecord(seconds: Double($0.offset), Build.ethernet($0.element)) }
        let (flows, _) = try runFlows(records)
        try #require(flows.count == 1)
        #expect(flows[0].client.port == 0 && flows[0].server.port == 0 && flows[0].packets == 2)
    }

    @Test func ipv6FragmentsJoinTheFlowOfTheirDatagram() throws {
        let datagram = Build.udp("2001:db8::1", 5000, "2001:db8::2", 53, payload: Array(repeating: 1, count: 2000))
        let fragments = Build.ipv6Fragments(datagram, fragmentSize: 1232, id: 99)
        try #require(fragments.count == 2)
        let records = fragments.enumerated().map { PcapRecord(seconds: Double($0.offset) * 0.001, Build.ethernet($0.element)) }
        let (flows, _) = try runFlows(records)
        try #require(flows.count == 1)
        #expect(flows[0].client.port == 5000 && flows[0].packets == 2)
    }
}

@Suite struct CaptureFormatTests {
    /// The same packets written as classic pcap in both byte orders and both timestamp
    /// resolutions, and as pcapng, give the same flows; the file name's extension is ignored.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func everyPcapVariantGivesTheSameFlows(_ variant: (bigEndian: Bool, nanosecond: Bool)) throws {
        let records = TCPLifecycleTests.fullConnection(startingAt: 1_700_000_000.25)
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/really-a-classic-pcap.pcapng"
        try PcapWriter.classic(records, nanosecond: variant.nanosecond, bigEndian: variant.bigEndian).write(toFile: path)
        let options = ProcessingOptions(labelTemplate: try LabelTemplate(LabelTemplate.defaultTemplate))
        var flows: [FlowRecord] = []
        let report = FileProcessor.readFlows(CaptureInput(path: path, displayPath: "x"), options: options) { flows += $0 }
        #expect(report.error == nil && report.packets == 8)
        try #require(flows.count == 1)
        #expect(flows[0].firstNs == 1_700_000_000_250_000_000 && flows[0].durationNs == 70_000_000)
        #expect(flows[0].wireBytes == 832 && flows[0].endReason == .fin)
    }
}
