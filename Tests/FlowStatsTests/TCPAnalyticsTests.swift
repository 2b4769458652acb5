@testable import FlowStats
import FlowStatsTestSupport
import Testing

/// Sequence analytics on built segment sequences; expected values worked out by hand.
@Suite struct TCPAnalyticsTests {
    let ack = TCPFlag.ack
    let psh = TCPFlag.psh | TCPFlag.ack

    @Test func inOrderDataHasNoAnomalies() {
        var a = TCPDirectionAnalytics()
        a.observe(flags: TCPFlag.syn, sequence: 1000, acknowledgment: 0, window: 100, payload: 0)   // SYN: 1000
        a.observe(flags: psh, sequence: 1001, acknowledgment: 1, window: 100, payload: 500)          // 1001..1500
        a.observe(flags: psh, sequence: 1501, acknowledgment: 1, window: 100, payload: 500)          // 1501..2000
        a.observe(flags: TCPFlag.fin | ack, sequence: 2001, acknowledgment: 1, window: 100, payload: 0)
        #expect(noAnomalies(a))
    }

    func noAnomalies(_ a: TCPDirectionAnalytics) -> Bool {
        a.retransmittedPackets == 0 && a.retransmittedBytes == 0 && a.outOfOrderPackets == 0 && a.overlapBytes == 0
            && a.zeroWindowPackets == 0 && a.duplicateAcks == 0 && a.missingBytes == 0
    }

    @Test func retransmissionIsCountedOnce() {
        var a = TCPDirectionAnalytics()
        a.observe(flags: psh, sequence: 1, acknowledgment: 1, window: 10, payload: 100)
        a.observe(flags: psh, sequence: 101, acknowledgment: 1, window: 10, payload: 100)
        a.observe(flags: psh, sequence: 101, acknowledgment: 1, window: 10, payload: 100)  // same segment again
        a.observe(flags: psh, sequence: 1, acknowledgment: 1, window: 10, payload: 50)     // part of the first
        #expect(a.retransmittedPackets == 2 && a.retransmittedBytes == 150)
        #expect(a.outOfOrderPackets == 0 && a.missingBytes == 0 && a.overlapBytes == 0)
    }

    @Test func gapThenFillIsOutOfOrder() {
        var a = TCPDirectionAnalytics()
        a.observe(flags: psh, sequence: 1, acknowledgment: 1, window: 10, payload: 100)    // 1..100
        a.observe(flags: psh, sequence: 201, acknowledgment: 1, window: 10, payload: 100)  // hole 101..200
        #expect(a.missingBytes == 100)
        a.observe(flags: psh, sequence: 101, acknowledgment: 1, window: 10, payload: 60)   // fills 101..160
        #expect(a.outOfOrderPackets == 1 && a.missingBytes == 40)
        #expect(a.retransmittedPackets == 0)
    }

    @Test func fillInsideAHoleSplitsItAndOneSegmentCanFillTwo() {
        var a = TCPDirectionAnalytics()
        a.observe(flags: psh, sequence: 1, acknowledgment: 1, window: 10, payload: 100)    // 1..100
        a.observe(flags: psh, sequence: 201, acknowledgment: 1, window: 10, payload: 100)  // hole 101..200
        a.observe(flags: psh, sequence: 401, acknowledgment: 1, window: 10, payload: 100)  // hole 301..400
        #expect(a.missingBytes == 200)
        a.observe(flags: psh, sequence: 141, acknowledgment: 1, window: 10, payload: 20)   // 141..160: 101..140, 161..200 left
        #expect(a.outOfOrderPackets == 1 && a.missingBytes == 180)
        a.observe(flags: psh, sequence: 181, acknowledgment: 1, window: 10, payload: 140)  // 181..320: 20 + 20 filled
        #expect(a.outOfOrderPackets == 2 && a.missingBytes == 140)                       // 101..140, 161..180, 321..400
        a.observe(flags: psh, sequence: 101, acknowledgment: 1, window: 10, payload: 300)  // 101..400: all the rest
        #expect(a.outOfOrderPackets == 3 && a.missingBytes == 0 && a.retransmittedPackets == 0)
    }

    @Test func gapThatIsNeverFilledStaysMissing() {
        var a = TCPDirectionAnalytics()
        a.observe(flags: psh, sequence: 5000, acknowledgment: 1, window: 10, payload: 10)
        a.observe(flags: psh, sequence: 5010 + 1460, acknowledgment: 1, window: 10, payload: 10)
        #expect(a.missingBytes == 1460)
    }

    @Test func overlapCountsTheResentBytes() {
        var a = TCPDirectionAnalytics()
        a.observe(flags: psh, sequence: 1, acknowledgment: 1, window: 10, payload: 100)    // 1..100
        a.observe(flags: psh, sequence: 51, acknowledgment: 1, window: 10, payload: 100)   // 51..150: 50 old, 50 new
        #expect(a.overlapBytes == 50 && a.retransmittedPackets == 0)
    }

    @Test func sequenceWraparoundIsNotAGap() {
        var a = TCPDirectionAnalytics()
        a.observe(flags: psh, sequence: UInt32.max - 99, acknowledgment: 1, window: 10, payload: 100)  // ends at 2^32
        a.observe(flags: psh, sequence: 0, acknowledgment: 1, window: 10, payload: 100)
        a.observe(flags: psh, sequence: 0, acknowledgment: 1, window: 10, payload: 100)                // resent
        #expect(a.missingBytes == 0 && a.retransmittedPackets == 1 && a.retransmittedBytes == 100)
    }

    @Test func zeroWindowAndDuplicateAcks() {
        var a = TCPDirectionAnalytics()
        a.observe(flags: ack, sequence: 1, acknowledgment: 500, window: 0, payload: 0)
        a.observe(flags: ack, sequence: 1, acknowledgment: 500, window: 0, payload: 0)   // dup ACK, zero window
        a.observe(flags: ack, sequence: 1, acknowledgment: 500, window: 0, payload: 0)   // dup ACK, zero window
        a.observe(flags: ack, sequence: 1, acknowledgment: 500, window: 512, payload: 0) // window update: not a dup
        a.observe(flags: TCPFlag.rst, sequence: 1, acknowledgment: 0, window: 0, payload: 0)  // RST: not zero window
        #expect(a.zeroWindowPackets == 3)
        #expect(a.duplicateAcks == 2)
    }

    @Test func handshakeRoundTrips() throws {
        var h = TCPHandshake()
        h.observe(flags: TCPFlag.syn, sequence: 100, acknowledgment: 0, fromClient: true, at: 1_000_000_000)
        h.observe(flags: TCPFlag.syn, sequence: 100, acknowledgment: 0, fromClient: true, at: 2_000_000_000)  // retransmitted SYN
        h.observe(flags: TCPFlag.syn | TCPFlag.ack, sequence: 900, acknowledgment: 101, fromClient: false, at: 2_030_000_000)
        h.observe(flags: TCPFlag.ack, sequence: 101, acknowledgment: 901, fromClient: true, at: 2_031_500_000)
        #expect(h.synToSynAckNs == 1_030_000_000)  // from the first SYN
        #expect(h.synAckToAckNs == 1_500_000)
    }


    @Test func analyticsReachTheFlowRecord() throws {
        // Client sends 100 bytes, resends them, then 100 more after a 100-byte hole.
        let (rows, _) = try runFlowsWithGroups([
            tcpFrame(0.0, fromClient: true, [.syn], seq: 0),
            tcpFrame(0.1, fromClient: false, [.syn, .ack], seq: 5000, ack: 1),
            tcpFrame(0.2, fromClient: true, [.ack], seq: 1, ack: 5001),
            tcpFrame(0.3, fromClient: true, [.psh, .ack], seq: 1, ack: 5001, payload: 100),
            tcpFrame(0.4, fromClient: true, [.psh, .ack], seq: 1, ack: 5001, payload: 100),
            tcpFrame(0.5, fromClient: true, [.psh, .ack], seq: 201, ack: 5001, payload: 100),
        ])
        try #require(rows.count == 1)
        let f = rows[0].tcp
        #expect(f.forward.retransmittedPackets == 1 && f.forward.retransmittedBytes == 100)
        #expect(f.forward.missingBytes == 100)
        #expect(noAnomalies(f.backward))
        #expect(f.handshake.synToSynAckNs == ns(0.1) && f.handshake.synAckToAckNs == ns(0.1))
    }
}
