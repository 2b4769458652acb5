/// Sequence-number accounting for one direction of a TCP connection, in the seed scripts'
/// `seq` / `nxtseq` style. Definitions (all per direction; "data" means payload bytes, and
/// SYN and FIN each occupy one sequence number):
///
/// - **nextSequence**: one past the highest sequence number sent so far.
/// - **Gap**: a segment that starts above `nextSequence` leaves a hole of the bytes between;
///   they are remembered as missing until a later segment fills them.
///   ``missingBytes`` is what is still missing at the end.
/// - **Out-of-order**: a segment that fills (part of) such a hole.
/// - **Retransmission**: a segment with data that lies entirely at or below `nextSequence` and
///   fills no hole: ``retransmittedPackets`` / ``retransmittedBytes``.
/// - **Overlap**: a segment that carries new data but also starts below `nextSequence`; the bytes
///   below are ``overlapBytes`` (re-sent data whose content may differ from the first copy).
/// - **Zero window**: a segment other than RST advertising window 0.
/// - **Duplicate ACK**: a segment without data, SYN, FIN or RST whose ACK number and window equal
///   those of the previous such segment from the same side (Wireshark's definition).
public struct TCPDirectionAnalytics: Sendable, Equatable {
    public private(set) var retransmittedPackets = 0
    public private(set) var retransmittedBytes = 0
    public private(set) var outOfOrderPackets = 0
    public private(set) var overlapBytes = 0
    public private(set) var zeroWindowPackets = 0
    public private(set) var duplicateAcks = 0

    private var started = false
    private var holes: [Range<UInt64>] = []   // missing ranges, relative to `base`, unwrapped
    private var base: UInt32 = 0
    private var unwrappedNext: UInt64 = 0
    private var lastAck: UInt32 = 0
    private var lastAckWindow: UInt16 = 0
    private var hasLastAck = false

    /// At most this many holes are remembered per direction; older ones are dropped (and no
    /// longer count as missing), which keeps memory bounded on pathological traffic.
    static let maxHoles = 16

    public init() {}

    /// Zeroes the counters, keeping the sequence position (for a continuation row).
    mutating func resetCounters() {
        retransmittedPackets = 0
        retransmittedBytes = 0
        outOfOrderPackets = 0
        overlapBytes = 0
        zeroWindowPackets = 0
        duplicateAcks = 0
        holes.removeAll()
    }

    /// Bytes still missing in holes.
    public var missingBytes: Int { holes.reduce(0) { $0 + Int($1.count) } }

    /// Accounts one segment sent by this side.
    public mutating func observe(flags: UInt8, sequence: UInt32, acknowledgment: UInt32, window: UInt16, payload: Int) {
        let syn = flags & TCPFlag.syn != 0
        let fin = flags & TCPFlag.fin != 0
        let rst = flags & TCPFlag.rst != 0
        if window == 0 && !rst { zeroWindowPackets += 1 }
        if payload == 0 && !syn && !fin && !rst && flags & TCPFlag.ack != 0 {
            if hasLastAck && acknowledgment == lastAck && window == lastAckWindow { duplicateAcks += 1 }
            lastAck = acknowledgment
            lastAckWindow = window
            hasLastAck = true
        }
        if rst { return }
        let length = UInt64(payload) + (syn ? 1 : 0) + (fin ? 1 : 0)
        guard length > 0 else { return }
        if !started {
            started = true
            base = sequence
            unwrappedNext = length
            return
        }
        // Unwrap the 32-bit sequence number near the current position.
        let delta = Int64(Int32(bitPattern: sequence &- (base &+ UInt32(truncatingIfNeeded: unwrappedNext))))
        let startSigned = Int64(unwrappedNext) + delta
        guard startSigned >= 0 else {
            // Before the first byte seen: old data.
            if payload > 0 { retransmittedPackets += 1; retransmittedBytes += payload }
            return
        }
        let start = UInt64(startSigned)
        let end = start + length
        if start > unwrappedNext {
            addHole(unwrappedNext..<start)
            unwrappedNext = end
        } else if start == unwrappedNext {
            unwrappedNext = end
        } else if end > unwrappedNext {
            // Carries new data but starts below the next expected byte.
            let below = start..<unwrappedNext
            if fillHoles(below) == 0 { overlapBytes += Int(below.count) }
            unwrappedNext = end
        } else {
            if fillHoles(start..<end) > 0 {
                outOfOrderPackets += 1
            } else if payload > 0 {
                retransmittedPackets += 1
                retransmittedBytes += payload
            }
        }
    }

    private mutating func addHole(_ range: Range<UInt64>) {
        if holes.count >= Self.maxHoles { holes.removeFirst() }
        holes.append(range)
    }

    /// Removes `range` from the holes; returns how many missing bytes it filled. In place, in
    /// the order the holes were found (oldest first): nothing is allocated unless a hole splits
    /// in two beyond the array's capacity.
    private mutating func fillHoles(_ range: Range<UInt64>) -> UInt64 {
        guard !holes.isEmpty else { return 0 }
        var filled: UInt64 = 0
        var i = holes.count - 1
        while i >= 0 {
            let hole = holes[i]
            let lo = max(hole.lowerBound, range.lowerBound)
            let hi = min(hole.upperBound, range.upperBound)
            if lo < hi {
                filled += hi - lo
                let below = hole.lowerBound < lo, above = hi < hole.upperBound
                if below && above {
                    holes[i] = hole.lowerBound..<lo
                    holes.insert(hi..<hole.upperBound, at: i + 1)
                } else if below {
                    holes[i] = hole.lowerBound..<lo
                } else if above {
                    holes[i] = hi..<hole.upperBound
                } else {
                    holes.remove(at: i)
                }
            }
            i -= 1
        }
        return filled
    }
}

/// Handshake timing of a TCP connection, from the client's first SYN.
public struct TCPHandshake: Sendable, Equatable {
    public private(set) var synNs: Int64?
    public private(set) var synAckNs: Int64?
    public private(set) var ackNs: Int64?
    private var synAckSequence: UInt32 = 0

    public init() {}

    /// SYN → SYN-ACK, in ns, when both were seen.
    public var synToSynAckNs: Int64? { synNs.flatMap { s in synAckNs.map { $0 - s } } }
    /// SYN-ACK → the client's ACK of it, in ns.
    public var synAckToAckNs: Int64? { synAckNs.flatMap { s in ackNs.map { $0 - s } } }

    mutating func observe(flags: UInt8, sequence: UInt32, acknowledgment: UInt32, fromClient: Bool, at ns: Int64) {
        let synAck = TCPFlag.syn | TCPFlag.ack
        if fromClient {
            if flags & synAck == TCPFlag.syn, synNs == nil { synNs = ns }
            if flags & (TCPFlag.syn | TCPFlag.ack | TCPFlag.rst) == TCPFlag.ack, synAckNs != nil, ackNs == nil,
               acknowledgment == synAckSequence &+ 1 {
                ackNs = ns
            }
        } else if flags & synAck == synAck, synNs != nil, synAckNs == nil {
            synAckNs = ns
            synAckSequence = sequence
        }
    }
}
