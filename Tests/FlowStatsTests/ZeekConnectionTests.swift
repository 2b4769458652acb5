import FlowStats
import Testing

/// A connection fed with hand-built packets. Times start at 0 and advance by `dt` (0.1 s).
/// IP lengths are 40 + payload (IPv4 + TCP without options) unless given.
private struct Feed {
    var z: ZeekConnection
    var clock = -0.1

    init(_ proto: ZeekProtocol = .tcp, flipped: Bool = false) {
        z = ZeekConnection(protocol: proto, flipped: flipped)
    }

    static func flags(_ text: String) -> UInt8 {
        var f: UInt8 = 0
        for c in text {
            switch c {
            case "F": f |= 0x01
            case "S": f |= 0x02
            case "R": f |= 0x04
            case "P": f |= 0x08
            case "A": f |= 0x10
            case "U": f |= 0x20
            default: Issue.record("unknown flag \(c)")
            }
        }
        return f
    }

    @discardableResult
    mutating func tcp(_ fromOrig: Bool, _ flags: String, seq: UInt32, ack: UInt32 = 0, len: Int = 0,
                      window: UInt16 = 8192, checksum: Bool = true, dt: Double = 0.1) -> ZeekAddResult {
        clock += dt
        return z.add(ZeekPacket(isOrig: fromOrig, timestampNs: ns(clock), ipLength: 40 + len,
                                tcpFlags: Self.flags(flags), sequence: seq, acknowledgment: ack, window: window,
                                payloadLength: len, checksumValid: checksum))
    }

    mutating func udp(_ fromOrig: Bool, len: Int, checksum: Bool = true, dt: Double = 0.1) {
        clock += dt
        _ = z.add(ZeekPacket(isOrig: fromOrig, timestampNs: ns(clock), ipLength: 28 + len, payloadLength: len,
                             udpLengthField: 8 + len, checksumValid: checksum))
    }

    mutating func icmp(_ fromOrig: Bool, len: Int, captured: Int? = nil, checksum: Bool = true, dt: Double = 0.1) {
        clock += dt
        _ = z.add(ZeekPacket(isOrig: fromOrig, timestampNs: ns(clock), ipLength: 28 + len, payloadLength: len,
                             capturedPayloadLength: captured, checksumValid: checksum))
    }

    /// SYN (ISN 1000), SYN-ACK (ISN 5000), ACK: both sides ESTABLISHED, history "ShA".
    mutating func handshake() {
        tcp(true, "S", seq: 1000)
        tcp(false, "SA", seq: 5000, ack: 1001)
        tcp(true, "A", seq: 1001, ack: 5001)
    }
}

/// `conn_state()` (base/protocols/conn/main.zeek), history letters (`update_history`,
/// `Session::CheckHistory`, `ScaledHistoryEntry`), sizes (`TCP_Endpoint::Size`), gaps
/// (`TCP_Reassembler::Undelivered`), flips and reuse, each worked by hand from those rules.
@Suite struct ZeekConnectionTests {
    // MARK: - conn_state, one test per value

    @Test func s0IsAnUnansweredSYN() {
        // SYN: orig INACTIVE → SYN_SENT (UpdateInactiveState); resp INACTIVE → "S0".
        var c = Feed()
        c.tcp(true, "S", seq: 1000)
        #expect(c.z.connState == "S0")
        #expect(c.z.history == "S")
        #expect(c.z.origPackets == 1 && c.z.origIPBytes == 40 && c.z.respPackets == 0)
        // One packet: duration 0, so set_conn leaves duration/bytes unset.
        #expect(!c.z.sizesLogged)
        // A retransmitted SYN (same ISN): IsReuse is false (base_seq == StartSeq), the SYN
        // mask is already set and rel_seq == hist_last_SYN, so no second S.
        #expect(c.tcp(true, "S", seq: 1000, dt: 1) == .accepted)
        #expect(c.z.history == "S" && c.z.origPackets == 2 && c.z.connState == "S0")
        // Size: last_seq ISN+1 less start ISN, less the SYN octet = 0.
        #expect(c.z.sizesLogged && c.z.origBytes == 0)
    }

    @Test func s1IsAnEstablishedConnection() {
        var c = Feed()
        c.handshake()
        #expect(c.z.connState == "S1")
        #expect(c.z.history == "ShA")
        #expect(c.z.origTCPState == .established && c.z.respTCPState == .established)
    }

    @Test func sfIsANormalCloseWithSequenceSizes() {
        var c = Feed()
        c.handshake()                                                    // t 0.0, 0.1, 0.2
        c.tcp(true, "PA", seq: 1001, ack: 5001, len: 100)                 // 0.3 D
        c.tcp(false, "PA", seq: 5001, ack: 1101, len: 300)                // 0.4 d
        c.tcp(true, "FA", seq: 1101, ack: 5301)                           // 0.5 F
        c.tcp(false, "FA", seq: 5301, ack: 1102)                          // 0.6 f: close complete
        c.tcp(true, "A", seq: 1102, ack: 5302)                            // 0.7 A already recorded
        #expect(c.z.connState == "SF")
        #expect(c.z.history == "ShADdFf")
        // Size = max(last_seq, ack_seq) - start - SYN - FIN: 1102-1000-2 = 100; 5302-5000-2 = 300.
        #expect(c.z.origBytes == 100 && c.z.respBytes == 300)
        #expect(c.z.origPackets == 5 && c.z.respPackets == 3)
        #expect(c.z.origIPBytes == 4 * 40 + 140 && c.z.respIPBytes == 2 * 40 + 340)
        // Both closes reported at 0.6: the last ACK does not move last_time.
        #expect(c.z.durationNs == ns(0.6))
        #expect(c.z.isClosed && c.z.closedAtNs == ns(0.6))
        // Removed tcp_close_delay (5 s) after the close.
        #expect(c.z.expiryNs() == ns(5.6))
        #expect(c.z.missedBytes == 0)
    }

    @Test func rejIsASYNAnsweredByRST() {
        // The responder's RST while the originator is SYN_SENT: rs RESET, os SYN_SENT → REJ.
        var c = Feed()
        c.tcp(true, "S", seq: 1000)
        c.tcp(false, "RA", seq: 0, ack: 1001)
        #expect(c.z.connState == "REJ")
        #expect(c.z.history == "Sr")
        #expect(c.z.isClosed)
        // A second RST with another sequence number records r again.
        c.tcp(false, "RA", seq: 77, ack: 1001)
        #expect(c.z.history == "Srr")
    }

    @Test func s2IsOriginatorCloseOnly() {
        var c = Feed()
        c.handshake()
        c.tcp(true, "FA", seq: 1001, ack: 5001)
        #expect(c.z.connState == "S2")
        #expect(c.z.history == "ShAF")
        #expect(!c.z.isClosed)  // one side closed, the other established: not complete
    }

    @Test func s3IsResponderCloseOnly() {
        var c = Feed()
        c.handshake()
        c.tcp(false, "FA", seq: 5001, ack: 1001)
        #expect(c.z.connState == "S3")
        #expect(c.z.history == "ShAf")
    }

    @Test func rstoIsOriginatorAbort() {
        var c = Feed()
        c.handshake()
        c.tcp(true, "RA", seq: 1001, ack: 5001)
        #expect(c.z.connState == "RSTO")
        #expect(c.z.history == "ShAR")
        #expect(c.z.isClosed)  // a RST completes the close (ConnectionClosed: endpoint RESET)
    }

    @Test func rstrIsResponderAbort() {
        var c = Feed()
        c.handshake()
        c.tcp(false, "R", seq: 5001)
        #expect(c.z.connState == "RSTR")
        #expect(c.z.history == "ShAr")
    }

    @Test func rstos0IsSYNThenOriginatorRST() {
        // SYN_SENT → RESET; responder never spoke; history "SR" matches /\^?S[^HAFGIQ]*R.*/.
        var c = Feed()
        c.tcp(true, "S", seq: 1000)
        c.tcp(true, "R", seq: 1001)
        #expect(c.z.connState == "RSTOS0")
        #expect(c.z.history == "SR")
    }

    @Test func rstrhIsSYNACKThenResponderRST() {
        // Flipped on arrival (SYN-ACK from the server): the responder's SYN-ACK makes it
        // ESTABLISHED, its RST RESET; the originator stayed INACTIVE → RSTRH.
        var c = Feed(flipped: true)
        c.tcp(false, "SA", seq: 5000, ack: 1001)
        c.tcp(false, "R", seq: 5001)
        #expect(c.z.connState == "RSTRH")
        #expect(c.z.history == "^hr")
        #expect(c.z.origPackets == 0 && c.z.respPackets == 2)
    }

    @Test func shIsSYNThenOriginatorFIN() {
        var c = Feed()
        c.tcp(true, "S", seq: 1000)
        c.tcp(true, "F", seq: 1001)
        #expect(c.z.connState == "SH")
        #expect(c.z.history == "SF")
        #expect(c.z.isClosed)  // the peer never spoke: complete
    }

    @Test func shrIsSYNACKThenResponderFIN() {
        var c = Feed(flipped: true)
        c.tcp(false, "SA", seq: 5000, ack: 1001)
        c.tcp(false, "FA", seq: 5001, ack: 1001)
        #expect(c.z.connState == "SHR")
        #expect(c.z.history == "^hf")
    }

    @Test func othIsMidstreamTraffic() {
        // No SYN: the sender becomes PARTIAL; PARTIAL counts as inactive in conn_state.
        var c = Feed()
        c.tcp(true, "PA", seq: 70_000, ack: 9000, len: 10)
        c.tcp(false, "A", seq: 9000, ack: 70_010)
        #expect(c.z.connState == "OTH")
        #expect(c.z.history == "Da")
        #expect(c.z.origTCPState == .partial && c.z.respTCPState == .partial)
        // Partial numbering starts one before the first sequence number: 70010-69999-1 = 10.
        #expect(c.z.origBytes == 10)
    }

    @Test func udpStates() {
        var s0 = Feed(.udp)
        s0.udp(true, len: 30)
        s0.udp(true, len: 20)
        #expect(s0.z.connState == "S0" && s0.z.history == "D" && s0.z.origBytes == 50 && s0.z.origPackets == 2)

        var sf = Feed(.udp)
        sf.udp(true, len: 38)
        sf.udp(false, len: 89)
        #expect(sf.z.connState == "SF" && sf.z.history == "Dd")
        #expect(sf.z.origBytes == 38 && sf.z.respBytes == 89 && sf.z.origIPBytes == 66 && sf.z.respIPBytes == 117)

        // First datagram from the server port: flipped, only the responder active → SHR, "^d".
        var shr = Feed(.udp, flipped: true)
        shr.udp(false, len: 367)
        #expect(shr.z.connState == "SHR" && shr.z.history == "^d" && shr.z.respPackets == 1)

        // Only bad checksums (UDPSessionAdapter::HandleBadChecksum): C/c, nothing counted, OTH.
        var oth = Feed(.udp)
        oth.udp(true, len: 29, checksum: false)
        oth.udp(false, len: 49, checksum: false)
        #expect(oth.z.connState == "OTH" && oth.z.history == "Cc")
        #expect(oth.z.origPackets == 0 && oth.z.respPackets == 0 && oth.z.origBytes == 0)
        #expect(oth.z.expiryNs() == oth.z.startTimeNs + 60_000_000_000)
    }

    @Test func icmpIsOTHWithoutHistory() {
        var c = Feed(.icmp)
        c.icmp(true, len: 56)
        c.icmp(false, len: 56)
        c.icmp(true, len: 56, captured: 20)  // cut short: sized, not counted
        #expect(c.z.connState == "OTH" && c.z.history == "")
        #expect(c.z.origBytes == 112 && c.z.respBytes == 56)
        #expect(c.z.origPackets == 1 && c.z.respPackets == 1)
        c.icmp(false, len: 56, checksum: false)  // dropped, no letter
        #expect(c.z.respPackets == 1 && c.z.history == "")
    }

    // MARK: - History letters

    @Test func checksumErrorsAreLoggedLogarithmicallyAndNotCounted() {
        // tcp/syn-bad.pcap: one bad SYN → "C", 0/0 packets, both INACTIVE → OTH.
        var c = Feed()
        c.tcp(true, "S", seq: 1000, checksum: false)
        #expect(c.z.history == "C" && c.z.connState == "OTH")
        #expect(c.z.origPackets == 0 && c.z.origIPBytes == 0)
        // 1st and 10th error record C (thresholds 1, 10, 100 …).
        for _ in 2...9 { c.tcp(true, "A", seq: 1001, checksum: false) }
        #expect(c.z.history == "C")
        c.tcp(true, "A", seq: 1001, checksum: false)
        #expect(c.z.history == "CC")
        c.tcp(false, "A", seq: 1, checksum: false)
        #expect(c.z.history == "CCc")
        #expect(c.z.origPackets == 0 && c.z.respPackets == 0)
    }

    @Test func retransmissionIsRecordedAndNotDoubleCounted() {
        var c = Feed()
        c.handshake()
        c.tcp(true, "PA", seq: 1001, ack: 5001, len: 100)
        // Same data again: delta_last <= 0 with payload → DidRxmit → T.
        c.tcp(true, "PA", seq: 1001, ack: 5001, len: 100)
        #expect(c.z.history == "ShADT")
        #expect(c.z.origBytes == 100)
        #expect(c.z.origPackets == 4)
        // T again only at the 10th retransmission.
        for _ in 2...9 { c.tcp(true, "PA", seq: 1001, ack: 5001, len: 100) }
        #expect(c.z.history == "ShADT")
        c.tcp(true, "PA", seq: 1001, ack: 5001, len: 100)
        #expect(c.z.history == "ShADTT")
        #expect(c.z.origBytes == 100)
    }

    @Test func acknowledgedHoleIsAGapWithMissedBytes() {
        var c = Feed()
        c.handshake()
        c.tcp(true, "PA", seq: 1001, ack: 5001, len: 100)   // [1, 101)
        c.tcp(true, "PA", seq: 1201, ack: 5001, len: 100)   // [201, 301): 100 bytes never seen
        c.tcp(false, "A", seq: 5001, ack: 1301)             // acks it all → Undelivered → Gap(101, 100)
        #expect(c.z.history == "ShADaG")
        #expect(c.z.missedBytes == 100)
        // The size from sequence numbers includes the missing bytes.
        #expect(c.z.origBytes == 300)
    }

    @Test func dataAckedButNeverSeenIsAResponderGap() {
        // tcp/miss_end_data.pcap in small: the originator acks responder data never captured.
        var c = Feed()
        c.handshake()
        c.tcp(true, "PA", seq: 1001, ack: 5001, len: 20)
        c.tcp(true, "A", seq: 1021, ack: 7903)              // acks 2902 responder bytes
        #expect(c.z.history == "ShADg")
        #expect(c.z.missedBytes == 2902)
        #expect(c.z.respBytes == 2902)  // ack_seq above last_seq sets the size
    }

    @Test func noGapIsReportedOnceAResetEndsTheConnection() {
        // is_clean() needs ESTABLISHED (or CLOSED after ESTABLISHED) on both sides.
        var c = Feed()
        c.handshake()
        c.tcp(false, "R", seq: 5001)
        c.tcp(true, "A", seq: 1001, ack: 6001)
        #expect(c.z.missedBytes == 0)
        #expect(!c.z.history.contains("g"))
    }

    @Test func zeroWindowIsRecordedPerSide() {
        var c = Feed()
        c.handshake()
        c.tcp(false, "A", seq: 5001, ack: 1001, window: 0)
        c.tcp(true, "A", seq: 1001, ack: 5001, window: 0)
        #expect(c.z.history == "ShAawW")
        // Not with a RST.
        var r = Feed()
        r.handshake()
        r.tcp(false, "R", seq: 5001, window: 0)
        #expect(!r.z.history.contains("w"))
    }

    @Test func finPlusRSTIsInconsistentAndSYNPlusFINIsMultiFlag() {
        var i = Feed()
        i.handshake()
        i.tcp(true, "FRA", seq: 1001, ack: 5001)
        #expect(i.z.history == "ShAI")
        #expect(i.z.connState == "RSTO")

        var q = Feed()
        q.tcp(true, "SF", seq: 1000)
        #expect(q.z.history == "Q")
        #expect(q.z.connState == "SH")  // SYN → SYN_SENT, FIN → CLOSED, responder silent
    }

    @Test func aIsAPureAckAndDIsPayloadOnlyWithoutControlFlags() {
        var c = Feed()
        c.handshake()
        // FIN with data: only F (bits_set == 1), no D.
        c.tcp(true, "FPA", seq: 1001, ack: 5001, len: 10)
        #expect(c.z.history == "ShAF")
        // A retransmitted FIN (same end sequence number) adds nothing.
        c.tcp(true, "FPA", seq: 1001, ack: 5001, len: 10)
        #expect(c.z.history == "ShAFT")
        #expect(c.z.origBytes == 10)
    }

    @Test func analysisLimitIsRecordedOnce() {
        var c = Feed()
        c.handshake()
        c.z.noteAnalysisLimit()
        c.z.noteAnalysisLimit()
        #expect(c.z.history == "ShAX")
    }

    // MARK: - Sequence numbers

    @Test func sequenceWraparoundKeepsTheSize() {
        // ISN just below 2^32: 512 bytes cross the wrap (UpdateLastSeq counts a wrap when the
        // new value is numerically smaller), so Size = 2^32 + 0x102 - 0xFFFFFF00 - 2 = 512.
        var c = Feed()
        c.tcp(true, "S", seq: 0xFFFF_FF00)
        c.tcp(false, "SA", seq: 5000, ack: 0xFFFF_FF01)
        c.tcp(true, "A", seq: 0xFFFF_FF01, ack: 5001)
        c.tcp(true, "PA", seq: 0xFFFF_FF01, ack: 5001, len: 512)
        c.tcp(false, "A", seq: 5001, ack: 0x0000_0101)
        c.tcp(true, "FA", seq: 0x0000_0101, ack: 5001)
        c.tcp(false, "FA", seq: 5001, ack: 0x0000_0102)
        #expect(c.z.origBytes == 512 && c.z.respBytes == 0)
        #expect(c.z.connState == "SF")
        #expect(c.z.missedBytes == 0)
        #expect(c.z.history == "ShADaFf")
    }

    // MARK: - Reuse (IsReuse)

    @Test func newISNAfterCloseStartsANewConnection() {
        var c = Feed()
        c.handshake()
        c.tcp(true, "FA", seq: 1001, ack: 5001)
        c.tcp(false, "FA", seq: 5001, ack: 1002)
        let packets = c.z.origPackets + c.z.respPackets
        #expect(c.tcp(true, "S", seq: 90_000) == .newConnection)
        #expect(c.z.origPackets + c.z.respPackets == packets)  // nothing accounted
    }

    @Test func synWithAnotherISNWhileOpenStartsANewConnection() {
        var c = Feed()
        c.tcp(true, "S", seq: 1000)
        #expect(c.tcp(true, "S", seq: 1000) == .accepted)
        #expect(c.tcp(true, "S", seq: 3000) == .newConnection)
        // Non-SYN packets never do.
        #expect(c.tcp(true, "A", seq: 3000, ack: 1) == .accepted)
    }

    // MARK: - Flips

    @Test func flipHeuristic() {
        let syn: UInt8 = 0x02, synAck: UInt8 = 0x12, ack: UInt8 = 0x10
        // A plain SYN is never flipped.
        #expect(!ZeekConnection.shouldFlip(protocol: .tcp, firstPacketFlags: syn, sourcePort: 80, destinationPort: 40000))
        // From a likely server port to another port.
        #expect(ZeekConnection.shouldFlip(protocol: .tcp, firstPacketFlags: synAck, sourcePort: 80, destinationPort: 40000))
        #expect(ZeekConnection.shouldFlip(protocol: .tcp, firstPacketFlags: ack, sourcePort: 443, destinationPort: 51000))
        // Both likely: only without SYN and when the source port is the lower.
        #expect(ZeekConnection.shouldFlip(protocol: .tcp, firstPacketFlags: ack, sourcePort: 80, destinationPort: 8080))
        #expect(!ZeekConnection.shouldFlip(protocol: .tcp, firstPacketFlags: ack, sourcePort: 8080, destinationPort: 80))
        #expect(!ZeekConnection.shouldFlip(protocol: .tcp, firstPacketFlags: synAck, sourcePort: 80, destinationPort: 8080))
        // Neither likely.
        #expect(!ZeekConnection.shouldFlip(protocol: .tcp, firstPacketFlags: synAck, sourcePort: 1433, destinationPort: 2745))
        // UDP: source likely, destination not; never towards 255.255.255.255.
        #expect(ZeekConnection.shouldFlip(protocol: .udp, firstPacketFlags: 0, sourcePort: 67, destinationPort: 68))
        #expect(!ZeekConnection.shouldFlip(protocol: .udp, firstPacketFlags: 0, sourcePort: 67, destinationPort: 68,
                                           destinationIsBroadcast: true))
        #expect(!ZeekConnection.shouldFlip(protocol: .udp, firstPacketFlags: 0, sourcePort: 137, destinationPort: 137))
        #expect(!ZeekConnection.shouldFlip(protocol: .icmp, firstPacketFlags: 0, sourcePort: 0, destinationPort: 8))
    }

    @Test func missingSYNWithServerPortSenderIsFlippedOnArrival() {
        // Data from port 80 first: Zeek makes the receiver the originator and starts with ^.
        var c = Feed(flipped: true)
        c.tcp(false, "PA", seq: 5000, ack: 1000, len: 100)
        c.tcp(true, "A", seq: 1000, ack: 5100)
        #expect(c.z.history == "^dA")
        #expect(c.z.origPackets == 1 && c.z.respPackets == 1)
        #expect(!c.z.rolesSwapped)
    }

    @Test func synAckFollowedByAnAckFlipsTheRoles() {
        // tcp/one-sided-2745.pcap: SYN-ACK, ACK, FIN-ACK from 1433 (not a likely server
        // port) only. The ACK after the SYN-ACK flips the roles (PR #2191); the history is
        // rewritten for the new roles ("HA" → "^ha") and ConnSize counts move with them.
        var c = Feed()
        c.tcp(true, "SA", seq: 1_898_078_251, ack: 1_847_199_028)
        c.tcp(true, "A", seq: 1_898_078_252, ack: 1_847_199_080)
        #expect(c.z.rolesSwapped)
        c.tcp(true, "FA", seq: 1_898_078_252, ack: 1_847_199_081, dt: 10)
        #expect(c.z.history == "^haf")
        #expect(c.z.origPackets == 0 && c.z.origIPBytes == 0)
        #expect(c.z.respPackets == 3 && c.z.respIPBytes == 120)
    }

    @Test func synAfterItsSynAckIsAReversal() {
        // UpdateInactiveState: a SYN from the responder with the sequence number the
        // originator's SYN-ACK acked (IsReuse lets it through) flips the roles.
        var c = Feed()
        c.tcp(true, "SA", seq: 5000, ack: 1001)
        #expect(c.tcp(false, "S", seq: 1000) == .accepted)
        #expect(c.z.rolesSwapped)
        #expect(c.z.history == "^hS")
        #expect(c.z.connState == "S1")
        #expect(c.z.origPackets == 1 && c.z.respPackets == 1)
        // Packets keep the caller's orientation: the SYN-ACK sender is now the responder.
        c.tcp(true, "A", seq: 5001, ack: 1001)
        #expect(c.z.history == "^hSa")
        #expect(c.z.respPackets == 2)
    }

    // MARK: - Timers

    @Test func expiryFollowsZeeksTimers() {
        // An unanswered SYN: AttemptTimer, first SYN + 5 s.
        var s0 = Feed()
        s0.tcp(true, "S", seq: 1000)
        s0.tcp(true, "S", seq: 1000, dt: 3)
        #expect(s0.z.expiryNs() == ns(5))
        // Established: tcp_inactivity_timeout (5 min) from the last packet.
        var s1 = Feed()
        s1.handshake()
        #expect(s1.z.expiryNs() == ns(0.2) + 300_000_000_000)
        // UDP: 1 min.
        var u = Feed(.udp)
        u.udp(true, len: 10)
        #expect(u.z.expiryNs() == 60_000_000_000)
    }
}

