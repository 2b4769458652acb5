import FlowStats
import FlowStatsTestSupport
import Testing

/// TCP lifecycle scenarios, with expected values worked out by hand from the frames built.
@Suite struct TCPLifecycleTests {
    /// SYN, SYN-ACK, ACK, 100 bytes up, 300 bytes down, FIN, FIN, ACK.
    static func fullConnection(startingAt t0: Double = 0) -> [PcapRecord] {
        [
            tcpFrame(t0 + 0.000, fromClient: true, [.syn], seq: 100),
            tcpFrame(t0 + 0.010, fromClient: false, [.syn, .ack], seq: 500, ack: 101),
            tcpFrame(t0 + 0.020, fromClient: true, [.ack], seq: 101, ack: 501),
            tcpFrame(t0 + 0.030, fromClient: true, [.psh, .ack], seq: 101, ack: 501, payload: 100),
            tcpFrame(t0 + 0.040, fromClient: false, [.psh, .ack], seq: 501, ack: 201, payload: 300),
            tcpFrame(t0 + 0.050, fromClient: true, [.fin, .ack], seq: 201, ack: 801),
            tcpFrame(t0 + 0.060, fromClient: false, [.fin, .ack], seq: 801, ack: 202),
            tcpFrame(t0 + 0.070, fromClient: true, [.ack], seq: 202, ack: 802),
        ]
    }

    @Test func handshakeDataAndTeardownIsOneFlowEndingInFin() throws {
        let (rows, report) = try runFlowsWithGroups(Self.fullConnection(startingAt: 100))
        #expect(report.error == nil)
        #expect(report.packets == 8)
        try #require(rows.count == 1)
        let f = rows[0].record
        let sizes = rows[0].sizeTiming
        #expect(f.endReason == .fin)
        #expect(f.client.address.description == clientIP && f.client.port == clientPort)
        #expect(f.server.address.description == serverIP && f.server.port == serverPort)
        // Client sent SYN, ACK, 100-byte data, FIN, last ACK; the server SYN-ACK, 300-byte data, FIN.
        #expect(f.forward.packets == 5)
        #expect(f.forward.wireBytes == 4 * 54 + 154)
        #expect(f.backward.packets == 3)
        #expect(f.backward.wireBytes == 2 * 54 + 354)
        #expect(f.wireBytes == 832)
        #expect(f.firstNs == ns(100))
        #expect(f.durationNs == ns(0.070))
        #expect(sizes.forwardPayloadBytes == 100 && sizes.backwardPayloadBytes == 300)
        #expect(sizes.forwardIPBytes == 4 * 40 + 140 && sizes.backwardIPBytes == 2 * 40 + 340)
        // Zeek: both endpoints closed → SF; letters in order of first occurrence, upper case
        // for the client: SYN, SYN-ACK, pure ACK, data, server data, FIN, server FIN.
        #expect(f.zeek.connState == "SF")
        #expect(f.zeek.history == "ShADdFf")
    }

    @Test func rstFollowedByStrayAckIsOneFlow() throws {
        let (flows, _) = try runFlows([
            tcpFrame(0.0, fromClient: true, [.syn], seq: 1),
            tcpFrame(0.1, fromClient: false, [.rst, .ack], ack: 2),
            tcpFrame(0.5, fromClient: true, [.ack], seq: 2),  // within the 5 s linger
        ])
        try #require(flows.count == 1)
        #expect(flows[0].endReason == .rst)
        #expect(flows[0].packets == 3)
        #expect(flows[0].zeek.connState == "REJ")  // SYN answered by RST
        #expect(flows[0].forward.packets == 2 && flows[0].backward.packets == 1)
    }

    @Test func packetAfterTheLingerStartsANewFlow() throws {
        let (flows, _) = try runFlows([
            tcpFrame(0.0, fromClient: true, [.syn], seq: 1),
            tcpFrame(0.1, fromClient: false, [.rst, .ack], ack: 2),
            tcpFrame(5.2, fromClient: true, [.ack], seq: 2),  // 5.1 s after the RST: linger over
        ])
        try #require(flows.count == 2)
        #expect(flows[0].endReason == .rst && flows[0].packets == 2)
        #expect(flows[1].endReason == .eof && flows[1].packets == 1 && flows[1].firstNs == ns(5.2))
    }

    @Test func lingerIsConfigurable() throws {
        let (flows, _) = try runFlows([
            tcpFrame(0.0, fromClient: true, [.syn], seq: 1),
            tcpFrame(0.1, fromClient: false, [.rst, .ack], ack: 2),
            tcpFrame(5.2, fromClient: true, [.ack], seq: 2),
        ]) { $0.flow.lingerNs = ns(10) }
        #expect(flows.count == 1)
    }

    @Test func retransmittedFinAndLastAckStayInTheClosedFlow() throws {
        var records = Self.fullConnection()
        records.append(tcpFrame(0.5, fromClient: false, [.fin, .ack], seq: 801, ack: 202))  // retransmitted FIN
        records.append(tcpFrame(0.6, fromClient: true, [.ack], seq: 202, ack: 802))
        let (flows, _) = try runFlows(records)
        try #require(flows.count == 1)
        #expect(flows[0].packets == 10)
        #expect(flows[0].endReason == .fin)
    }

    @Test func oneFinIsNotAClose() throws {
        let (flows, _) = try runFlows([
            tcpFrame(0.0, fromClient: true, [.syn], seq: 1),
            tcpFrame(0.01, fromClient: false, [.syn, .ack], seq: 9, ack: 2),
            tcpFrame(0.02, fromClient: true, [.fin, .ack], seq: 2, ack: 10),
            tcpFrame(10.0, fromClient: false, [.psh, .ack], seq: 10, ack: 3, payload: 10),  // half-closed: still the same flow
        ])
        try #require(flows.count == 1)
        #expect(flows[0].packets == 4)
        #expect(flows[0].endReason == .eof)
    }

    @Test func portReuseAfterCloseGivesTwoFlows() throws {
        var records = Self.fullConnection()
        records += [  // a new SYN on the same 5-tuple 1 s later, inside the linger
            tcpFrame(1.0, fromClient: true, [.syn], seq: 90_000),
            tcpFrame(1.01, fromClient: false, [.syn, .ack], seq: 70_000, ack: 90_001),
            tcpFrame(1.02, fromClient: true, [.ack], seq: 90_001, ack: 70_001),
        ]
        let (flows, _) = try runFlows(records)
        try #require(flows.count == 2)
        #expect(flows[0].endReason == .fin && flows[0].packets == 8 && flows[0].firstNs == 0)
        #expect(flows[1].endReason == .eof && flows[1].packets == 3 && flows[1].firstNs == ns(1.0))
        #expect(flows[1].client.port == clientPort && flows[1].forward.packets == 2)
    }

    @Test func synAckSeenFirstMakesItsReceiverTheClient() throws {
        let (flows, _) = try runFlows([
            tcpFrame(0.0, fromClient: false, [.syn, .ack], seq: 500, ack: 101),
            tcpFrame(0.01, fromClient: true, [.ack], seq: 101, ack: 501),
            tcpFrame(0.02, fromClient: true, [.psh, .ack], seq: 101, ack: 501, payload: 10),
        ])
        try #require(flows.count == 1)
        #expect(flows[0].client.address.description == clientIP && flows[0].client.port == clientPort)
        #expect(flows[0].forward.packets == 2 && flows[0].backward.packets == 1)
    }

    @Test func midStreamStartIsAFlowWhoseClientSentTheFirstPacket() throws {
        let (flows, _) = try runFlows([
            tcpFrame(0.0, fromClient: false, [.psh, .ack], seq: 5000, ack: 700, payload: 1000),
            tcpFrame(0.01, fromClient: true, [.ack], seq: 700, ack: 6000),
        ])
        try #require(flows.count == 1)
        #expect(flows[0].client.address.description == serverIP)  // no SYN seen: first sender
        #expect(flows[0].forward.wireBytes == tcpFrameSize(1000) && flows[0].backward.wireBytes == 54)
        #expect(flows[0].endReason == .eof)
    }

    @Test func lateSynWithoutCloseDoesNotSplit() throws {
        // A retransmitted SYN on an open connection is part of it.
        let (flows, _) = try runFlows([
            tcpFrame(0.0, fromClient: true, [.syn], seq: 1),
            tcpFrame(1.0, fromClient: true, [.syn], seq: 1),
        ])
        #expect(flows.count == 1 && flows.first?.packets == 2)
    }
}
