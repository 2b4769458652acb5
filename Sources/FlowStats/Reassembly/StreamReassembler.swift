/// The first bytes of one direction of a TCP connection, in sequence order: what the
/// application parsers read (``AppMetadata``), and a unit a stream export can reuse.
///
/// - Byte 0 is the byte after the SYN (``start(synSequence:)``), or, when no SYN was seen, the
///   first byte of the first data segment.
/// - Only `[0, limit)` is kept (`--inspect-bytes`). Bytes before byte 0 and from `limit` on are
///   dropped.
/// - Out-of-order segments wait in place until the hole before them is filled. A retransmission
///   or an overlap never replaces a byte already held: the first copy wins, as in Zeek and
///   gopacket.
/// - It gives up on a gap, for good: when the peer acknowledges data past a hole (the segment was
///   sent and received but not captured), or when more than ``maxHoles`` holes are open. ``contiguous`` stays
///   what it was; nothing after the gap is ever handed out.
///
/// Memory: the buffer grows with the bytes actually received, never past `limit`, and nothing
/// is sized from a length in the packet. Sequence arithmetic is modulo 2³².
struct StreamReassembler {
    /// The byte buffer: `[0, contiguous)` is the in-order prefix; beyond it, only the ranges in
    /// ``held`` are meaningful.
    private(set) var buffer: [UInt8] = []
    /// Bytes available in order from byte 0.
    private(set) var contiguous = 0
    /// Ranges received beyond the prefix (sorted, disjoint, not touching the prefix).
    private var held: [Range<Int>] = []
    /// Sequence number of byte 0, once known.
    private var base: UInt32 = 0
    private var hasBase = false
    /// How many bytes are kept at most.
    let limit: Int
    /// Gave up (a gap): no more bytes will be added.
    private(set) var gaveUp = false

    /// More holes than this open at once is a gap.
    static let maxHoles = 16

    init(limit: Int) { self.limit = max(0, limit) }

    /// Whether more bytes can still arrive (neither given up nor full).
    var isOpen: Bool { !gaveUp && contiguous < limit }

    /// Bytes held, including out-of-order ones (what this direction costs).
    var bufferedBytes: Int { buffer.count }

    /// The connection's SYN (or SYN-ACK) had this sequence number: byte 0 is the next one.
    /// Ignored once byte 0 is known.
    mutating func start(synSequence: UInt32) {
        guard !hasBase else { return }
        base = synSequence &+ 1
        hasBase = true
    }

    /// A data segment. Returns whether the in-order prefix grew.
    @discardableResult
    mutating func add(sequence: UInt32, _ payload: UnsafeRawBufferPointer) -> Bool {
        guard isOpen, !payload.isEmpty else { return false }
        if !hasBase {
            base = sequence
            hasBase = true
        }
        // Offset of the segment's first byte from byte 0, as a signed 32-bit distance.
        let offset = Int(Int32(bitPattern: sequence &- base))
        var lower = offset, upper = offset + payload.count
        lower = max(lower, contiguous)  // what the prefix has already: the first copy stays
        upper = min(upper, limit)
        guard lower < upper else { return false }
        let before = contiguous
        if lower == contiguous && held.isEmpty {
            // In order, nothing waiting: the common case.
            if buffer.count > contiguous { buffer.removeSubrange(contiguous...) }
            buffer.append(contentsOf: payload[(lower - offset)..<(upper - offset)])
            contiguous = upper
            return true
        }
        store(lower..<upper, from: payload, segmentOffset: offset)
        if let first = held.first, first.lowerBound == contiguous {
            contiguous = first.upperBound
            held.removeFirst()
        }
        if held.count > Self.maxHoles { giveUp() }
        return contiguous > before
    }

    /// The peer acknowledged everything before `acknowledgment`: a hole below it will never be
    /// filled (the data was received but not captured), so the stream gives up there.
    mutating func acknowledged(_ acknowledgment: UInt32) {
        guard hasBase, !gaveUp, !held.isEmpty || buffer.count > contiguous else { return }
        let acked = Int(Int32(bitPattern: acknowledgment &- base))
        if acked > contiguous { giveUp() }
    }

    /// Stops taking bytes and frees what lies beyond the in-order prefix.
    mutating func giveUp() {
        gaveUp = true
        held.removeAll()
        if buffer.count > contiguous { buffer.removeSubrange(contiguous...) }
    }

    /// Calls `body` with the in-order prefix.
    func withPrefix<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<contiguous])) }
    }

    /// Copies the parts of `range` not held yet (first copy wins) and records them.
    private mutating func store(_ range: Range<Int>, from payload: UnsafeRawBufferPointer, segmentOffset: Int) {
        if buffer.count < range.upperBound { buffer.append(contentsOf: repeatElement(0, count: range.upperBound - buffer.count)) }
        var cursor = range.lowerBound
        var merged: [Range<Int>] = []
        merged.reserveCapacity(held.count + 1)
        func copy(_ r: Range<Int>) {
            guard !r.isEmpty else { return }
            buffer.withUnsafeMutableBytes { dst in
                let src = UnsafeRawBufferPointer(rebasing: payload[(r.lowerBound - segmentOffset)..<(r.upperBound - segmentOffset)])
                UnsafeMutableRawBufferPointer(rebasing: dst[r]).copyMemory(from: src)
            }
        }
        for h in held {
            if h.upperBound <= cursor || h.lowerBound >= range.upperBound {
                merged.append(h)
                continue
            }
            copy(cursor..<max(cursor, h.lowerBound))  // the part before this held range is new
            cursor = max(cursor, h.upperBound)
            merged.append(h)
        }
        copy(cursor..<max(cursor, range.upperBound))
        merged.append(range)
        // Sort and join touching or overlapping ranges.
        merged.sort { $0.lowerBound < $1.lowerBound }
        var joined: [Range<Int>] = []
        for r in merged {
            if let last = joined.last, r.lowerBound <= last.upperBound {
                joined[joined.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
            } else {
                joined.append(r)
            }
        }
        held = joined
    }
}
