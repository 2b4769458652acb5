/// Zeek's TCP endpoint states (`EndpointState` in TCP_Endpoint.h), the values of
/// `c$orig$state` / `c$resp$state` that `conn_state()` maps to a conn_state.
public enum ZeekTCPState: UInt8, Sendable, Equatable {
    /// No SYN (or other packets) seen for this side.
    case inactive
    /// SYN seen, but no ack.
    case synSent
    /// SYN-ACK seen, no initial SYN.
    case synAckSent
    /// Data seen, but no SYN.
    case partial
    /// SYN-ACK seen (implicitly, for a SYN sent by the responder).
    case established
    /// FIN seen.
    case closed
    /// RST seen.
    case reset

    /// `is_handshake()` in TCP_Endpoint.cc: inactive, SYN sent or SYN-ACK sent.
    var isHandshake: Bool {
        @inline(__always) get { rawValue <= ZeekTCPState.synAckSent.rawValue }
    }
}

/// `seq_delta`: the signed distance between two 32-bit sequence numbers.
@inline(__always)
func zeekSeqDelta(_ a: UInt32, _ b: UInt32) -> Int32 {
    Int32(bitPattern: a &- b)
}

/// What Zeek's `TCP_Reassembler` (one per endpoint; reassembly is always on, since
/// `dpd_reassemble_first_packets` is T) keeps that matters for gaps and closing, without
/// the bytes themselves. Sequence numbers are relative (the first data byte is 1).
struct ZeekReassembler: Sendable {
    /// `last_reassem_seq`: everything below has been delivered or skipped as a gap.
    var lastReassemSeq: UInt64 = 1
    /// `trim_seq`: everything below has been acked and dropped.
    var trimSeq: UInt64 = 1
    /// The blocks held: delivered but not yet acked, and received above a hole.
    var spans = ZeekSpanList()
    /// `skip_deliveries`: the reassembler gave up on this endpoint.
    var skipDeliveries = false
    /// `did_EOF`.
    var didEOF = false

    /// `TCP_Reassembler::NumUndeliveredBytes`: from the delivery point to the end of the
    /// last block held.
    @inline(__always)
    mutating func numUndeliveredBytes() -> UInt64 {
        guard !spans.isEmpty else { return 0 }
        let end = spans.lastUpper()
        return end > lastReassemSeq ? end - lastReassemSeq : 0
    }
}

/// One side of a connection: Zeek's `TCP_Endpoint` fields that feed conn.log. UDP and
/// ICMP connections use two of them too: ``checksumErrors`` (`req_chk_*`/`rep_chk_*`) and
/// ``datagramLength`` (`request_len`/`reply_len`), kept in the storage of ``finSeq``.
///
/// The connection works on its two endpoints in place, and the non-mutating members used
/// on the per-packet path are `@inline(__always)` so that calling them on an `inout`
/// endpoint reads the fields it needs instead of copying the whole endpoint for the call.
/// The fields are ordered so that they pack: 4-byte fields, 8-byte fields, then the 1-byte
/// ones after the reassembler's own.
struct ZeekTCPEndpoint: Sendable {
    /// `start_seq`. Zeek keeps it in a signed 64-bit field but only ever sets it from a
    /// 32-bit sequence number, so it is always in `0..<2^32`.
    var startSeq: UInt32 = 0
    var lastSeq: UInt32 = 0
    var ackSeq: UInt32 = 0
    var seqWraps: UInt32 = 0
    var ackWraps: UInt32 = 0
    var retransmissions = ZeekScaledCounter()
    /// ``histLastFIN`` and ``histLastRST`` as the signed 64-bit values Zeek's arithmetic
    /// gives them, when they fit 32 bits (nearly always: the relative sequence number of a
    /// FIN or RST); ``inSpareWord`` when they do not, the value is then in a spare word.
    private var histLastFINBits: Int32 = 0
    private var histLastRSTBits: Int32 = 0
    /// `FIN_seq`: relative sequence number just past the FIN.
    var finSeq: UInt64 = 0
    var reassembler = ZeekReassembler()
    var state: ZeekTCPState = .inactive
    var prevState: ZeekTCPState = .inactive
    /// Flips with the roles (`TCPSessionAdapter::FlipRoles`).
    var isOrig: Bool
    /// `did_close`: the close was reported (`TCPSessionAdapter::ConnectionClosed`).
    var didClose = false
    /// `FIN_cnt > 0`: a FIN was seen (Zeek reads the count only as that).
    var sawFIN = false

    // Rare values, in the span list's spare words (out of line, allocated only when one
    // is not zero): the logarithmic counters of events that ordinary traffic does not
    // have, and the relative sequence number of the last SYN (nearly always 0).

    private static let spareSYN = 0
    private static let spareFIN = 1
    private static let spareRST = 2
    /// Two words from here: the counters' 4-byte values, two per word.
    private static let spareCounters = 3

    private static let inSpareWord = Int32.min

    var checksumErrors: ZeekScaledCounter {
        get { counter(0) }
        set { setCounter(0, newValue) }
    }
    var zeroWindows: ZeekScaledCounter {
        get { counter(1) }
        set { setCounter(1, newValue) }
    }
    var gaps: ZeekScaledCounter {
        get { counter(2) }
        set { setCounter(2, newValue) }
    }

    /// `hist_last_SYN`.
    var histLastSYN: UInt64 {
        get { reassembler.spans.spareWord(Self.spareSYN) }
        set { reassembler.spans.setSpareWord(Self.spareSYN, newValue) }
    }

    /// `hist_last_FIN`.
    var histLastFIN: UInt64 {
        get { Self.get(histLastFINBits, spare: Self.spareFIN, reassembler.spans) }
        set { Self.set(&histLastFINBits, newValue, spare: Self.spareFIN, &reassembler.spans) }
    }

    /// `hist_last_RST`.
    var histLastRST: UInt64 {
        get { Self.get(histLastRSTBits, spare: Self.spareRST, reassembler.spans) }
        set { Self.set(&histLastRSTBits, newValue, spare: Self.spareRST, &reassembler.spans) }
    }

    @inline(__always)
    private static func get(_ bits: Int32, spare: Int, _ spans: borrowing ZeekSpanList) -> UInt64 {
        bits == inSpareWord ? spans.spareWord(spare) : UInt64(bitPattern: Int64(bits))
    }

    @inline(__always)
    private static func set(_ bits: inout Int32, _ value: UInt64, spare: Int, _ spans: inout ZeekSpanList) {
        if let small = Int32(exactly: Int64(bitPattern: value)), small != inSpareWord {
            bits = small
        } else {
            bits = inSpareWord
            spans.setSpareWord(spare, value)
        }
    }

    /// Counter `k` (0 checksum errors, 1 zero windows, 2 gaps) from the spare words.
    private func counter(_ k: Int) -> ZeekScaledCounter {
        let word = reassembler.spans.spareWord(Self.spareCounters + k / 2)
        return ZeekScaledCounter(bits: UInt32(truncatingIfNeeded: word >> (32 * UInt64(k % 2))))
    }

    private mutating func setCounter(_ k: Int, _ counter: ZeekScaledCounter) {
        let index = Self.spareCounters + k / 2
        let shift = 32 * UInt64(k % 2)
        let word = reassembler.spans.spareWord(index)
        let updated = word & ~(0xFFFF_FFFF << shift) | UInt64(counter.bits) << shift
        reassembler.spans.setSpareWord(index, updated)
    }

    init(isOrig: Bool) {
        self.isOrig = isOrig
    }

    /// UDP/ICMP's `request_len` (originator) or `reply_len` (responder): -1 until a packet
    /// is seen. Such a connection has no sequence space, so it lives in ``finSeq``'s bits
    /// (the connection sets it to -1 when it is made).
    var datagramLength: Int {
        @inline(__always) get { Int(Int64(bitPattern: finSeq)) }
        @inline(__always) set { finSeq = UInt64(bitPattern: Int64(newValue)) }
    }

    /// `StartSeqI64()` as the unsigned value Zeek's 64-bit arithmetic uses.
    var startSeq64: UInt64 {
        @inline(__always) get { UInt64(startSeq) }
    }

    /// `ToFullSeqSpace(LastSeq(), SeqWraps())`.
    var lastSeq64: UInt64 {
        @inline(__always) get { UInt64(seqWraps) << 32 &+ UInt64(lastSeq) }
    }

    /// `ToFullSeqSpace(AckSeq(), AckWraps())`.
    var ackSeq64: UInt64 {
        @inline(__always) get { UInt64(ackWraps) << 32 &+ UInt64(ackSeq) }
    }

    /// `ToRelativeSeqSpace(seq, wraps)` for an endpoint whose ``startSeq`` is `startSeq`
    /// (static, so the per-packet path passes the one field, not the endpoint).
    @inline(__always)
    static func toRelative(_ seq: UInt32, wraps: UInt32, startSeq: UInt32) -> UInt64 {
        (UInt64(wraps) << 32 &+ UInt64(seq)) &- UInt64(startSeq)
    }

    /// `InitStartSeq`, `InitAckSeq`, `InitLastSeq` together.
    @inline(__always)
    mutating func initSequence(start: UInt32, last: UInt32) {
        startSeq = start
        ackSeq = start
        lastSeq = last
    }

    /// `UpdateLastSeq`: a numerically smaller value counts as a wrap.
    @inline(__always)
    mutating func updateLastSeq(_ seq: UInt32) {
        if seq < lastSeq { seqWraps &+= 1 }
        lastSeq = seq
    }

    /// `UpdateAckSeq`.
    @inline(__always)
    mutating func updateAckSeq(_ seq: UInt32) {
        if seq < ackSeq { ackWraps &+= 1 }
        ackSeq = seq
    }

    /// `NoDataAcked`: nothing of this endpoint's data acked (one octet allowed, the SYN).
    var noDataAcked: Bool {
        @inline(__always) get {
            let ack = ackSeq64
            return ack == startSeq64 || ack == startSeq64 &+ 1
        }
    }

    /// `TCP_Endpoint::Size`: payload bytes from sequence numbers — the highest of the last
    /// sequence number sent and the highest acked by the peer, less the start, less the
    /// SYN octet and (when a FIN was sent) the FIN octet. 0 for a SYN sender reset before
    /// any answer when some data looks acked (a discovered half-open connection).
    @inline(__always)
    func size(peerState: ZeekTCPState) -> UInt64 {
        if prevState == .synSent && state == .reset && peerState == .inactive && !noDataAcked {
            return 0
        }
        let last = lastSeq64
        let ack = ackSeq64
        var size = (last > ack ? last : ack) &- startSeq64
        if size != 0 { size -= 1 }
        if sawFIN && size != 0 { size -= 1 }
        return size
    }

    /// `is_clean()` in TCP_Reassembler.cc.
    var isClean: Bool {
        @inline(__always) get { state == .established || (state == .closed && prevState == .established) }
    }
}
