@testable import FlowStats
import FlowStatsTestSupport
import Testing

/// A random TCP conversation: mostly in-order data and acks, with retransmissions, holes,
/// reordering, zero windows, bad checksums, truncated and unusable segments, closes,
/// resets, repeated or new SYNs and odd flag combinations mixed in. Some conversations
/// are mostly one-sided, and in some a side never acks the other's data.
private struct RandomConversation {
    var rng: SplitMix64
    /// Next sequence number of each side (0: the flow table's originator, 1: the other).
    var next: [UInt32]
    /// Percent of packets sent by the originator.
    var origShare = 50
    /// Per side: its acks stay where they were first (nothing of the other's data acked).
    var frozenAck: [UInt32?] = [nil, nil]
    var clock: Int64 = 1_000_000_000

    init(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        // Some starts just below the 32-bit wrap, to exercise wrapped sequence numbers.
        let nearWrap = Bool.random(using: &rng)
        next = (0..<2).map { _ in
            nearWrap ? UInt32.max - UInt32.random(in: 0..<20_000, using: &rng) : UInt32.random(in: 0...UInt32.max, using: &rng)
        }
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: origShare = 92
        case 1: origShare = 8
        case 2, 3: frozenAck[Int.random(in: 0...1, using: &rng)] = 0  // fixed at the first ack sent
        default: break
        }
        self.rng = rng
    }

    /// The ack number `side` sends: the other side's next sequence number, unless frozen.
    mutating func ackNumber(from side: Int) -> UInt32 {
        guard let frozen = frozenAck[side] else { return next[1 - side] }
        if frozen == 0 { frozenAck[side] = next[1 - side] }
        return frozenAck[side]!
    }

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &rng) < percent }

    mutating func packet(fromOrig: Bool, flags: UInt8, len: Int = 0, seq: UInt32? = nil, ack: UInt32? = nil,
                         window: UInt16 = 8192, checksum: Bool = true, captured: Int? = nil,
                         headerComplete: Bool = true) -> ZeekPacket {
        clock += Int64.random(in: 0...400_000_000, using: &rng)
        let side = fromOrig ? 0 : 1
        let ackNumber = ack ?? ackNumber(from: side)
        return ZeekPacket(isOrig: fromOrig, timestampNs: clock, ipLength: 40 + len, tcpFlags: flags,
                          sequence: seq ?? next[side], acknowledgment: ackNumber, window: window,
                          payloadLength: len, capturedPayloadLength: captured, checksumValid: checksum,
                          headerComplete: headerComplete)
    }

    /// The opening: a handshake, a half one, or none (midstream).
    mutating func opening() -> [ZeekPacket] {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0..<6:
            let syn = packet(fromOrig: true, flags: TCPFlag.syn, ack: 0)
            next[0] &+= 1
            let synAck = packet(fromOrig: false, flags: TCPFlag.syn | TCPFlag.ack)
            next[1] &+= 1
            return [syn, synAck, packet(fromOrig: true, flags: TCPFlag.ack)]
        case 6:
            let synAck = packet(fromOrig: false, flags: TCPFlag.syn | TCPFlag.ack)
            next[1] &+= 1
            return [synAck]
        default:
            return []
        }
    }

    mutating func nextPacket() -> ZeekPacket {
        let fromOrig = chance(origShare)
        let side = fromOrig ? 0 : 1
        let roll = Int.random(in: 0..<100, using: &rng)
        var flags: UInt8 = chance(95) ? TCPFlag.ack : 0
        switch roll {
        case 0..<5:  // FIN
            let p = packet(fromOrig: fromOrig, flags: flags | TCPFlag.fin, len: chance(30) ? Int.random(in: 1...500, using: &rng) : 0)
            next[side] &+= UInt32(p.payloadLength + 1)
            return p
        case 5..<8:  // RST
            return packet(fromOrig: fromOrig, flags: flags | TCPFlag.rst, seq: chance(80) ? nil : UInt32.random(in: 0...UInt32.max, using: &rng))
        case 8..<10:  // SYN: the same start again, or a new one
            if chance(50) { next[side] = UInt32.random(in: 0...UInt32.max, using: &rng) }
            let p = packet(fromOrig: fromOrig, flags: (chance(50) ? flags : 0) | TCPFlag.syn, seq: next[side] &- 1)
            return p
        case 10..<12:  // two or more of SYN/FIN/RST
            let combos: [UInt8] = [TCPFlag.syn | TCPFlag.fin, TCPFlag.fin | TCPFlag.rst, TCPFlag.syn | TCPFlag.rst,
                                   TCPFlag.syn | TCPFlag.fin | TCPFlag.rst]
            return packet(fromOrig: fromOrig, flags: flags | combos[Int.random(in: 0..<combos.count, using: &rng)])
        default:
            break
        }
        // Data or a pure ack.
        flags |= chance(50) ? TCPFlag.psh : 0
        let len = chance(40) ? 0 : Int.random(in: 1...1460, using: &rng)
        var seq = next[side]
        var advance = true
        switch Int.random(in: 0..<100, using: &rng) {
        case 0..<8:  // retransmission or overlap
            seq &-= UInt32.random(in: 1...3000, using: &rng)
            advance = false
        case 8..<13:  // a hole before it
            seq &+= UInt32.random(in: 1...5000, using: &rng)
        case 13..<15:  // a far jump
            seq &+= UInt32.random(in: 0...UInt32.max, using: &rng)
        default:
            break
        }
        var ack = ackNumber(from: side)
        if chance(20) { ack &-= UInt32.random(in: 0...3000, using: &rng) }
        if chance(3) { ack &+= UInt32.random(in: 1...3000, using: &rng) }
        let p = packet(fromOrig: fromOrig, flags: flags, len: len, seq: seq, ack: ack,
                       window: chance(4) ? 0 : 8192, checksum: !chance(3),
                       captured: chance(3) ? Int.random(in: 0...len, using: &rng) : nil,
                       headerComplete: !chance(1))
        if advance && len > 0 {
            let end = seq &+ UInt32(len)
            if Int32(bitPattern: end &- next[side]) > 0 { next[side] = end }
        }
        return p
    }
}

/// Everything the connection reports.
private func observed(_ z: ZeekConnection) -> [String] {
    [z.history, z.connState, "\(z.origPackets) \(z.respPackets) \(z.origIPBytes) \(z.respIPBytes)",
     "\(z.origSize) \(z.respSize) \(z.missedBytes) \(z.sizesLogged)",
     "\(z.startTimeNs) \(z.lastTimeNs) \(String(describing: z.closedAtNs)) \(z.isClosed)",
     "\(z.rolesSwapped) \(z.flipped) \(z.origTCPState) \(z.respTCPState) \(z.expiryNs())"]
}

@Suite struct ZeekFastPathTests {
    /// ``ZeekConnection/add(_:)`` takes a shorter path for most TCP packets, with
    /// reassembler shortcuts for the usual acks and data; it must agree with the general
    /// path, which runs Zeek's rules in full (``ZeekConnection/addAny(_:)``), after every
    /// packet of many random conversations.
    @Test func steadyPathAgreesWithTheGeneralPath() {
        var steadyPackets = 0
        for seed in UInt64(1)...1500 {
            var conversation = RandomConversation(seed: seed)
            let flipped = conversation.chance(10)
            var fast = ZeekConnection(protocol: .tcp, flipped: flipped)
            var general = ZeekConnection(protocol: .tcp, flipped: flipped)
            var packets = conversation.opening()
            for _ in 0..<60 { packets.append(conversation.nextPacket()) }
            for (i, p) in packets.enumerated() {
                if fast.takesSteadyPath && p.tcpFlags & 0x07 == 0 && p.checksumValid && p.headerComplete {
                    steadyPackets += 1
                }
                let a = fast.add(p)
                let b = general.addAny(p)
                #expect(a == b, "seed \(seed) packet \(i)")
                if a == .newConnection {
                    fast = ZeekConnection(protocol: .tcp)
                    general = ZeekConnection(protocol: .tcp)
                    _ = fast.add(p)
                    _ = general.addAny(p)
                }
                let (x, y) = (observed(fast), observed(general))
                if x != y {
                    Issue.record("seed \(seed) packet \(i): \(x) != \(y)")
                    break
                }
            }
        }
        // The comparison is not vacuous: many packets took the steady path.
        #expect(steadyPackets > 20_000)
    }

    @Test func connStateAndHistoryAccessors() {
        // SYN, SYN-ACK, ACK, data both ways, FIN both ways: "SF" and "ShADdFf" by the
        // rules worked in ZeekConnectionTests.normalCloseIsSF.
        var z = ZeekConnection(protocol: .tcp)
        var t: Int64 = 0
        func add(_ fromOrig: Bool, _ flags: UInt8, _ seq: UInt32, _ ack: UInt32, _ len: Int = 0) {
            t += 100_000_000
            _ = z.add(ZeekPacket(isOrig: fromOrig, timestampNs: t, ipLength: 40 + len, tcpFlags: flags,
                                 sequence: seq, acknowledgment: ack, window: 8192, payloadLength: len))
        }
        add(true, TCPFlag.syn, 1000, 0)
        add(false, TCPFlag.syn | TCPFlag.ack, 5000, 1001)
        add(true, TCPFlag.ack, 1001, 5001)
        add(true, TCPFlag.ack | TCPFlag.psh, 1001, 5001, 100)
        add(false, TCPFlag.ack | TCPFlag.psh, 5001, 1101, 300)
        add(true, TCPFlag.fin | TCPFlag.ack, 1101, 5301)
        add(false, TCPFlag.fin | TCPFlag.ack, 5301, 1102)
        #expect(z.connStateCode == .sf)
        #expect(z.connStateName.description == "SF")
        #expect(z.connState == "SF")
        #expect(z.historyLength == 7)
        #expect(z.withHistoryBytes { Array($0) } == Array("ShADdFf".utf8))
        #expect(ZeekConnection(protocol: .udp).withHistoryBytes { $0.count } == 0)
    }

    @Test func connStateNamesAreZeeks() {
        // The values documented for conn.log's conn_state (base/protocols/conn/main.zeek).
        let documented = ["S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH", "SH", "SHR", "OTH"]
        #expect(ZeekConnState.allCases.map { $0.name.description } == documented)
        #expect(ZeekConnState.allCases.map(\.string) == documented)
    }
}

/// A plain reimplementation of ``ZeekSpanList``'s documented rules with an array, to
/// compare the inline list (and its fast paths) with.
private struct ReferenceSpans {
    var ranges: [(lo: UInt64, hi: UInt64)] = []

    mutating func insert(_ lo: UInt64, _ hi: UInt64, boundary: UInt64) {
        guard lo < hi else { return }
        let touching = ranges.filter { $0.hi >= lo && $0.lo <= hi }
        if !touching.isEmpty {
            let merged = (lo: min(lo, touching.map(\.lo).min()!), hi: max(hi, touching.map(\.hi).max()!))
            ranges.removeAll { $0.hi >= lo && $0.lo <= hi }
            ranges.append(merged)
            ranges.sort { $0.lo < $1.lo }
            return
        }
        if ranges.count == ZeekSpanList.capacity {
            if ranges[0].hi <= boundary {
                ranges.removeFirst()
            } else {
                let gaps = (0..<(ranges.count - 1)).map { ranges[$0 + 1].lo - ranges[$0].hi }
                let k = gaps.firstIndex(of: gaps.min()!)!
                ranges[k].hi = ranges[k + 1].hi
                ranges.remove(at: k + 1)
            }
            insert(lo, hi, boundary: boundary)
            return
        }
        ranges.append((lo, hi))
        ranges.sort { $0.lo < $1.lo }
    }

    mutating func trim(upTo seq: UInt64) {
        ranges.removeAll { $0.hi <= seq }
        if !ranges.isEmpty && ranges[0].lo < seq { ranges[0].lo = seq }
    }
}

private func contents(_ list: ZeekSpanList) -> [[UInt64]] {
    return (0..<Int(list.count)).map { [list.lower($0), list.upper($0)] }
}

@Suite struct ZeekSpanListTests {
    @Test func agreesWithAPlainImplementation() {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<400 {
            var list = ZeekSpanList()
            var reference = ReferenceSpans()
            for _ in 0..<80 {
                if Int.random(in: 0..<5, using: &rng) == 0 {
                    let seq = UInt64.random(in: 0...300, using: &rng)
                    list.trim(upTo: seq)
                    reference.trim(upTo: seq)
                } else {
                    let lo = UInt64.random(in: 0...300, using: &rng)
                    let hi = lo + UInt64.random(in: 0...12, using: &rng)
                    let boundary = UInt64.random(in: 0...300, using: &rng)
                    // appendContinuing must do what insert does, whenever it accepts.
                    var appended = list
                    let accepted = lo < hi && appended.appendContinuing(lo, hi)
                    list.insert(lo, hi, boundary: boundary)
                    reference.insert(lo, hi, boundary: boundary)
                    if accepted { #expect(contents(appended) == contents(list)) }
                }
                #expect(contents(list) == reference.ranges.map { [$0.lo, $0.hi] })
                let total = reference.ranges.reduce(UInt64(0)) { $0 + $1.hi - $1.lo }
                #expect(list.totalSize() == total)
                #expect(list.holdsMore(than: 20) == (total > 20))
                let cut = UInt64.random(in: 0...300, using: &rng)
                #expect(list.allEnd(atOrBefore: cut) == (reference.ranges.count <= 1 && reference.ranges.allSatisfy { $0.hi <= cut }))
            }
        }
    }
}

/// The engine's state is inline in every flow of every schema, so its size is bounded
/// (``ZeekConnection/inlineSizeBound``); what is rarely large lives out of line.
@Suite struct ZeekLayoutTests {
    @Test func stateStaysWithinItsBound() {
        print("ZeekConnection \(MemoryLayout<ZeekConnection>.size) B, ZeekTCPEndpoint \(MemoryLayout<ZeekTCPEndpoint>.size) B,",
              "ZeekSpanList \(MemoryLayout<ZeekSpanList>.size) B, ZeekHistory \(MemoryLayout<ZeekHistory>.size) B,",
              "ZeekScaledCounter \(MemoryLayout<ZeekScaledCounter>.size) B")
        #expect(MemoryLayout<ZeekConnection>.size <= ZeekConnection.inlineSizeBound)
        #expect(MemoryLayout<ZeekScaledCounter>.size == 4)
        // One range and 16 letters inline, the rest behind one reference each.
        #expect(MemoryLayout<ZeekSpanList>.size <= 2 * 8 + 8 + 1)
        #expect(MemoryLayout<ZeekHistory>.size <= 16 + 8 + 4 + 1)
    }

    /// Zeek's `ScaledHistoryEntry` with base 10 on a `(count, threshold)` pair of `uint32`s.
    private struct ReferenceCounter {
        var count: UInt32
        var threshold: UInt32
        mutating func tick() -> Bool {
            count &+= 1
            guard count == threshold else { return false }
            let next = threshold &* 10
            if next <= threshold { count = 0 } else { threshold = next }
            return true
        }
    }

    @Test func scaledCounterFollowsZeeksThresholds() {
        // From the start, and from just below each threshold Zeek reaches, including the
        // wrapped ones (10^10 mod 2^32 = 1 410 065 408, after which the count restarts).
        let thresholds: [UInt32] = [10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
                                    1_000_000_000, 1_410_065_408]
        let starts: [(UInt32, UInt32)] = [(0, 1)] + thresholds.map { ($0 - 5, $0) }
        for (count, threshold) in starts {
            var counter = ZeekScaledCounter(count: count, threshold: threshold)
            var reference = ReferenceCounter(count: count, threshold: threshold)
            for step in 0..<(count == 0 ? 20_000 : 40) {
                #expect(counter.tick() == reference.tick(), "from \(count)/\(threshold), step \(step)")
                #expect(counter.count == reference.count && counter.threshold == reference.threshold)
            }
        }
    }

    /// The endpoint's rare values (the last SYN/FIN/RST numbers, three of its counters) sit
    /// in 32 bits inline or in spare words out of line: every value reads back, and a copy
    /// keeps its own.
    @Test func endpointRareValuesReadBackAndCopiesStayApart() {
        let values: [UInt64] = [0, 1, 2, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 1 << 32, 1 << 40,
                                UInt64(bitPattern: -1), UInt64(bitPattern: Int64(Int32.min)),
                                UInt64(bitPattern: Int64(Int32.min) - 1), UInt64.max - (1 << 40)]
        for value in values {
            var e = ZeekTCPEndpoint(isOrig: true)
            #expect(e.histLastSYN == 0 && e.histLastFIN == 0 && e.histLastRST == 0)
            e.histLastSYN = value
            e.histLastFIN = value &+ 1
            e.histLastRST = value &+ 2
            #expect(e.histLastSYN == value && e.histLastFIN == value &+ 1 && e.histLastRST == value &+ 2)
            let copy = e
            e.histLastSYN = 7
            e.histLastFIN = value &+ 3
            e.histLastRST = 9
            #expect(copy.histLastSYN == value && copy.histLastFIN == value &+ 1 && copy.histLastRST == value &+ 2)
            #expect(e.histLastSYN == 7 && e.histLastFIN == value &+ 3 && e.histLastRST == 9)
        }
        // The three counters share spare words: each keeps its own count.
        var e = ZeekTCPEndpoint(isOrig: false)
        var history = ZeekHistory()
        for _ in 0..<12 { history.scaled(UInt8(ascii: "c"), &e.checksumErrors) }
        for _ in 0..<105 { history.scaled(UInt8(ascii: "w"), &e.zeroWindows) }
        for _ in 0..<3 { history.scaled(UInt8(ascii: "g"), &e.gaps) }
        #expect(e.checksumErrors.count == 12 && e.checksumErrors.threshold == 100)
        #expect(e.zeroWindows.count == 105 && e.zeroWindows.threshold == 1000)
        #expect(e.gaps.count == 3 && e.gaps.threshold == 10)
        #expect(history.string == "ccwwwg")
        // No spare word is allocated while the values stay 0 (or fit inline).
        var quiet = ZeekTCPEndpoint(isOrig: true)
        quiet.histLastSYN = 0
        quiet.histLastFIN = 12345
        quiet.histLastRST = UInt64(bitPattern: -5)
        #expect(!quiet.reassembler.spans.hasOutOfLineStorage)
    }

    @Test func longHistoryMovesOutOfLineAndCopiesStayApart() {
        var history = ZeekHistory()
        var expected: [UInt8] = []
        for i in 0..<70 {
            let letter = UInt8(ascii: "a") + UInt8(i % 26)
            history.add(letter)
            if expected.count < ZeekHistory.capacity { expected.append(letter) }
            #expect(history.isOutOfLine == (expected.count > ZeekHistory.inlineCapacity))
            if i == 20 {
                // A copy keeps its letters when the original grows or flips.
                let copy = history
                let before = Array(expected)
                history.add(UInt8(ascii: "Z"))
                history.flipRoles()
                #expect(copy.withBytes { Array($0) } == before)
                history = copy
            }
            #expect(history.withBytes { Array($0) } == expected)
        }
        // A flip of a 16-letter history makes it 17 letters: out of line.
        var sixteen = ZeekHistory()
        for _ in 0..<16 { sixteen.add(UInt8(ascii: "D")) }
        #expect(!sixteen.isOutOfLine)
        sixteen.flipRoles()
        #expect(sixteen.isOutOfLine && sixteen.string == "^" + String(repeating: "d", count: 16))
    }
}
