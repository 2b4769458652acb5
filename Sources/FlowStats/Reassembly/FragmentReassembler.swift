/// Puts fragmented IPv4 and IPv6 datagrams back together, one reassembler per capture file.
///
/// ## What counts as a packet (Zeek's rule, which flowcsv follows)
/// In Zeek (`src/packet_analysis/protocol/ip/IP.cc`, `src/Frag.cc`, `src/Reassem.cc`) a
/// fragment is handed to the fragment manager and nothing else happens to it: no connection
/// sees it. When a fragment completes its datagram, the reassembled datagram is analysed once,
/// as one packet at the completing fragment's time, with the reassembled total length as its
/// IP length. So in conn.log a fragmented datagram adds 1 to `orig_pkts`/`resp_pkts` and its
/// reassembled length (IP header included) to `orig_ip_bytes`/`resp_ip_bytes`; fragments of a
/// datagram that never completes count nowhere. Callers do the same with ``add(_:frame:at:body:)``:
/// count nothing on `.pending`, count the datagram handed to `body` on `.complete`.
///
/// Zeek does not reassemble a fragment that was not captured in full (snap length): it
/// analyses a first fragment (offset 0) on its own, as an ordinary packet with whatever
/// transport header it has, and discards later ones. Here such a fragment gives `.dropped` and
/// its datagram is given up; a caller following Zeek counts it as a packet when its
/// `fragmentOffset` is 0.
///
/// ## How datagrams are put together
/// - Key: source, destination, protocol (IPv6: the Fragment header's next header) and
///   identification (IPv6: 32 bits), as in RFC 791 / RFC 8200. Zeek leaves the protocol out.
/// - Overlaps: the data held first wins (Zeek's `Reassembler`): of a new fragment only the bytes
///   not yet held are kept. Each fragment that overlaps held data is counted, and counted again
///   as inconsistent when the overlapping bytes differ.
/// - The header of the reassembled datagram is the offset-0 fragment's: the IPv4 header with
///   its options, or the IPv6 header and the extension headers before the Fragment header. In
///   it the IPv4 total length is set, MF and the fragment offset cleared and the checksum
///   recomputed; the IPv6 payload length is set and the Fragment header taken out of the chain.
/// - The datagram is complete when that header, the last fragment (MF clear) and every byte
///   before the last fragment's end are there. Its state is then forgotten: a later duplicate
///   starts a new datagram, which never completes (as in Zeek).
/// - Refused (`.dropped`), as Linux does and Zeek does not: a fragment reaching past the
///   largest datagram (65535 bytes of IPv4 datagram, 65535 bytes of IPv6 payload), a last
///   fragment whose end disagrees with an earlier one, data past the last fragment's end (all
///   of these give up the datagram), and a fragment with MF set whose length is not a
///   positive multiple of 8 (only that fragment).
///
/// ## Bounded memory
/// Time is capture time. A datagram still incomplete more than `timeoutNs` after its first
/// fragment is given up (Zeek keeps fragments forever by default), and the oldest datagrams
/// are given up when more than `maxDatagrams` are pending or more than `maxBytes` are held.
/// Memory per datagram is proportional to the data it holds; offsets and lengths are checked
/// before anything is stored.
public struct FragmentReassembler {
    public let limits: ReassemblyLimits
    public private(set) var stats = ReassemblyStats()

    struct Key: Hashable {
        var source: IPAddress
        var destination: IPAddress
        var id: UInt32
        var ipProtocol: UInt8
        var ipVersion: UInt8
    }

    /// A run of datagram bytes held, `start..<end` in the fragmentable part, stored in the
    /// datagram's pool from `poolStart`.
    struct Piece {
        var start: Int
        var end: Int
        var poolStart: Int
    }

    struct Datagram {
        var key: Key
        var created: Int64
        /// The offset-0 fragment's header (IPv4 header, or the IPv6 unfragmentable part).
        var header: [UInt8] = []
        var hasHeader = false
        /// IPv6: index in `header` of the next-header field that named the Fragment header.
        var nextHeaderIndex = 0
        /// End of the fragmentable part, from the last fragment; -1 until it arrives.
        var finalEnd = -1
        /// Sorted by `start`, disjoint.
        var pieces: [Piece] = []
        var pool: [UInt8] = []
        var covered = 0
        var fragments = 0
        /// Creation order: a doubly linked list through the slots, oldest at `head`.
        var older = -1
        var newer = -1

        var cost: Int {
            64 + header.count + pool.count + pieces.count * MemoryLayout<Piece>.stride
        }
    }

    /// One fragment as found in its frame.
    struct Fragment {
        var key: Key
        var headerStart: Int
        /// IPv4 header length, or the length of the IPv6 unfragmentable part.
        var headerLength: Int
        var dataStart: Int
        var offset: Int
        var length: Int
        var more: Bool
        var capturedInFull: Bool
        /// Largest end of the fragmentable part the datagram may have.
        var maxEnd: Int
    }

    private var index: [Key: Int] = [:]
    private var slots: [Datagram] = []
    private var freeSlots: [Int] = []
    private var head = -1
    private var tail = -1
    private var heldBytes = 0
    /// Where completed datagrams are assembled; reused.
    private var scratch: [UInt8] = []

    public init(limits: ReassemblyLimits = .init()) {
        self.limits = limits
    }

    /// Incomplete datagrams held.
    public var pendingDatagrams: Int { index.count }
    /// Bytes held for them (data, headers and bookkeeping), as compared with `maxBytes`.
    public var bufferedBytes: Int { heldBytes }

    /// Feed one fragment: `packet` is the decoded fragment (isFragment == true), `bytes` the
    /// captured frame, `now` capture time (ns). Returns .pending while the datagram is
    /// incomplete, or .complete with the reassembled IP datagram's bytes (a full IPv4/IPv6
    /// packet with header fields fixed: IPv4 total length, MF/offset cleared, header checksum
    /// recomputed; IPv6 payload length set and the Fragment header removed from the chain)
    /// handed to `body` for the duration of the call, or .dropped(reason) for garbage.
    public mutating func add(_ packet: DecodedPacket, frame bytes: UnsafeRawBufferPointer, at now: Int64,
                             body: (UnsafeRawBufferPointer) -> Void) -> ReassemblyResult {
        expire(at: now)
        guard packet.kind == .ip, packet.isFragment else { return .dropped("not a fragment") }
        guard let fragment = Self.fragment(packet, bytes) else {
            stats.droppedInvalid += 1
            return .dropped("fragment headers not in the frame")
        }
        let existing = index[fragment.key]
        guard fragment.capturedInFull else {
            if let existing { release(existing) }
            stats.droppedInvalid += 1
            return .dropped("fragment not captured in full")
        }
        let end = fragment.offset + fragment.length
        guard end <= fragment.maxEnd else {
            if let existing { release(existing) }
            stats.droppedInvalid += 1
            return .dropped("fragment past the largest datagram")
        }
        if fragment.more && (fragment.length == 0 || fragment.length % 8 != 0) {
            stats.droppedInvalid += 1
            return .dropped("fragment length not a multiple of 8")
        }
        let slot: Int
        if let existing {
            slot = existing
        } else {
            guard limits.maxDatagrams > 0 else {
                stats.droppedForLimits += 1
                return .dropped("reassembly limits")
            }
            while index.count >= limits.maxDatagrams, head >= 0 {
                release(head)
                stats.droppedForLimits += 1
            }
            slot = allocate(fragment.key, at: now)
        }
        let costBefore = slots[slot].cost

        // The datagram's length, from its last fragment.
        let heldEnd = slots[slot].pieces.last?.end ?? 0
        if !fragment.more {
            if slots[slot].finalEnd < 0 {
                guard heldEnd <= end else { return giveUp(slot, "fragment data past the end of the datagram") }
                slots[slot].finalEnd = end
            } else if slots[slot].finalEnd != end {
                return giveUp(slot, "last fragments disagree on the datagram length")
            }
        } else if slots[slot].finalEnd >= 0 && end > slots[slot].finalEnd {
            return giveUp(slot, "fragment data past the end of the datagram")
        }

        if fragment.offset == 0 && !slots[slot].hasHeader {
            guard keepHeader(fragment, bytes, in: slot) else { return giveUp(slot, "unreadable IPv6 header chain") }
        }
        insert(fragment, bytes, into: slot)
        slots[slot].fragments += 1
        heldBytes += slots[slot].cost - costBefore

        let datagram = slots[slot]
        if datagram.hasHeader && datagram.finalEnd >= 0 && datagram.covered == datagram.finalEnd {
            // Each fragment was checked against its own header's length; the datagram gets the
            // offset-0 fragment's header, which may be longer.
            let ipv4 = datagram.key.ipVersion == 4
            let lengthField = datagram.header.count - (ipv4 ? 0 : 40) + datagram.finalEnd
            guard lengthField <= 65535 else { return giveUp(slot, "fragment past the largest datagram") }
            assemble(slot)
            let fragments = datagram.fragments
            scratch.withUnsafeBytes { body($0) }
            release(slot)
            stats.completed += 1
            return .complete(fragments: fragments)
        }

        while heldBytes > limits.maxBytes, head >= 0 {
            let victim = head
            release(victim)
            stats.droppedForLimits += 1
            if victim == slot { return .dropped("reassembly limits") }
        }
        return .pending
    }

    /// Gives up the datagrams that have been incomplete for more than the timeout at `now`.
    /// ``add(_:frame:at:body:)`` does this itself; call it to age datagrams between fragments.
    public mutating func expire(at now: Int64) {
        guard limits.timeoutNs > 0 else { return }
        while head >= 0 {
            let created = slots[head].created
            let (age, overflow) = now.subtractingReportingOverflow(created)
            guard overflow ? now > created : age > limits.timeoutNs else { return }
            release(head)
            stats.timedOut += 1
        }
    }

    /// Gives up every pending datagram, counting them as timed out (at the end of a file).
    public mutating func expireAll() {
        while head >= 0 {
            release(head)
            stats.timedOut += 1
        }
    }

    // MARK: - Reading a fragment

    /// The fragment's fields, read again from the frame (the decoder found where the headers
    /// are); nil when they are not where `packet` says.
    static func fragment(_ p: DecodedPacket, _ b: UnsafeRawBufferPointer) -> Fragment? {
        let o = p.ipOffset
        guard o >= 0 else { return nil }
        if p.ipVersion == 4 {
            guard o + 20 <= b.count else { return nil }
            // In bounds: the 20-byte fixed header.
            let headerLength = Int(b.u8(o) & 0x0F) * 4
            let totalLength = Int(b.be16(o + 2))
            guard b.u8(o) >> 4 == 4, headerLength >= 20, o + headerLength <= b.count, totalLength >= headerLength else {
                return nil
            }
            let field = b.be16(o + 6)
            let key = Key(source: IPAddress(ipv4: b.be32(o + 12)), destination: IPAddress(ipv4: b.be32(o + 16)),
                          id: UInt32(b.be16(o + 4)), ipProtocol: b.u8(o + 9), ipVersion: 4)
            return Fragment(key: key, headerStart: o, headerLength: headerLength, dataStart: o + headerLength,
                            offset: Int(field & 0x1FFF) * 8, length: totalLength - headerLength,
                            more: field & 0x2000 != 0, capturedInFull: o + totalLength <= b.count,
                            maxEnd: 65535 - headerLength)
        }
        guard p.ipVersion == 6 else { return nil }
        let unfragmentable = p.fragmentHeaderOffset
        let f = o + unfragmentable
        guard unfragmentable >= 40, f + 8 <= b.count, b.u8(o) >> 4 == 6 else { return nil }
        // In bounds: the fixed header and the Fragment header.
        let totalLength = 40 + Int(b.be16(o + 4))
        guard totalLength >= unfragmentable + 8 else { return nil }
        let field = b.be16(f + 2)
        let key = Key(source: IPAddress(high: b.be64(o + 8), low: b.be64(o + 16)),
                      destination: IPAddress(high: b.be64(o + 24), low: b.be64(o + 32)),
                      id: b.be32(f + 4), ipProtocol: b.u8(f), ipVersion: 6)
        return Fragment(key: key, headerStart: o, headerLength: unfragmentable, dataStart: f + 8,
                        offset: Int(field & 0xFFF8), length: totalLength - unfragmentable - 8,
                        more: field & 1 != 0, capturedInFull: o + totalLength <= b.count,
                        maxEnd: 65535 - (unfragmentable - 40))
    }

    // MARK: - Holding data

    private mutating func allocate(_ key: Key, at now: Int64) -> Int {
        let datagram = Datagram(key: key, created: now)
        let slot: Int
        if let reused = freeSlots.popLast() {
            slot = reused
            slots[slot] = datagram
        } else {
            slot = slots.count
            slots.append(datagram)
        }
        slots[slot].older = tail
        if tail >= 0 { slots[tail].newer = slot } else { head = slot }
        tail = slot
        index[key] = slot
        heldBytes += slots[slot].cost
        return slot
    }

    /// Forgets a datagram and frees its memory.
    private mutating func release(_ slot: Int) {
        let older = slots[slot].older
        let newer = slots[slot].newer
        if older >= 0 { slots[older].newer = newer } else { head = newer }
        if newer >= 0 { slots[newer].older = older } else { tail = older }
        heldBytes -= slots[slot].cost
        index[slots[slot].key] = nil
        slots[slot].header = []
        slots[slot].pieces = []
        slots[slot].pool = []
        slots[slot].older = -1
        slots[slot].newer = -1
        freeSlots.append(slot)
    }

    private mutating func giveUp(_ slot: Int, _ reason: String) -> ReassemblyResult {
        release(slot)
        stats.droppedInvalid += 1
        return .dropped(reason)
    }

    /// Keeps the offset-0 fragment's header; for IPv6 finds the next-header field that names
    /// the Fragment header. False when the IPv6 chain does not lead to the Fragment header.
    private mutating func keepHeader(_ f: Fragment, _ b: UnsafeRawBufferPointer, in slot: Int) -> Bool {
        let header = UnsafeRawBufferPointer(rebasing: b[f.headerStart..<(f.headerStart + f.headerLength)])
        var nextHeaderIndex = 0
        if f.key.ipVersion == 6 {
            // Walk the extension headers before the Fragment header, as the decoder did.
            nextHeaderIndex = 6
            var next = header[6]
            var position = 40
            while position < f.headerLength {
                guard position + 2 <= f.headerLength else { return false }
                let length: Int
                switch next {
                case 0, 43, 60, 135, 139, 140: length = (Int(header[position + 1]) + 1) * 8
                case 51: length = (Int(header[position + 1]) + 2) * 4
                default: return false
                }
                nextHeaderIndex = position
                next = header[position]
                position += length
            }
            guard position == f.headerLength, next == IPProtocol.fragment.rawValue else { return false }
        }
        slots[slot].header.append(contentsOf: header)
        slots[slot].nextHeaderIndex = nextHeaderIndex
        slots[slot].hasHeader = true
        return true
    }

    /// Stores the bytes of `f` not yet held (first wins) and counts overlaps.
    private mutating func insert(_ f: Fragment, _ b: UnsafeRawBufferPointer, into slot: Int) {
        let start = f.offset
        let end = f.offset + f.length
        guard start < end else { return }
        // First piece ending after `start` (pieces are disjoint and sorted, so ends are too).
        var low = 0
        var high = slots[slot].pieces.count
        while low < high {
            let middle = (low + high) / 2
            if slots[slot].pieces[middle].end <= start { low = middle + 1 } else { high = middle }
        }
        var i = low
        var cursor = start
        var overlapped = false
        var inconsistent = false
        while cursor < end {
            if i < slots[slot].pieces.count && slots[slot].pieces[i].start < end {
                let piece = slots[slot].pieces[i]
                if piece.start > cursor {
                    store(b, f, from: cursor, to: piece.start, at: i, in: slot)
                    i += 1
                }
                let overlapStart = max(cursor, piece.start)
                let overlapEnd = min(end, piece.end)
                if overlapStart < overlapEnd {
                    overlapped = true
                    if !inconsistent {
                        let held = piece.poolStart + (overlapStart - piece.start)
                        let new = f.dataStart + (overlapStart - start)
                        inconsistent = !sameBytes(slots[slot].pool, held, b, new, count: overlapEnd - overlapStart)
                    }
                }
                cursor = max(cursor, overlapEnd)
                i += 1
            } else {
                store(b, f, from: cursor, to: end, at: i, in: slot)
                cursor = end
            }
        }
        if overlapped { stats.overlappingFragments += 1 }
        if inconsistent { stats.inconsistentOverlaps += 1 }
    }

    /// Copies datagram bytes `from..<to` of `f` into the pool as a new piece at index `i`.
    private mutating func store(_ b: UnsafeRawBufferPointer, _ f: Fragment, from: Int, to: Int, at i: Int, in slot: Int) {
        let source = f.dataStart + (from - f.offset)
        let piece = Piece(start: from, end: to, poolStart: slots[slot].pool.count)
        slots[slot].pool.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[source..<(source + to - from)]))
        slots[slot].pieces.insert(piece, at: i)
        slots[slot].covered += to - from
    }

    private func sameBytes(_ pool: [UInt8], _ heldStart: Int, _ b: UnsafeRawBufferPointer, _ newStart: Int, count: Int) -> Bool {
        pool.withUnsafeBytes { held in
            for k in 0..<count where held[heldStart + k] != b[newStart + k] {
                return false
            }
            return true
        }
    }

    // MARK: - Assembling

    /// Writes the complete datagram in `slot` to `scratch`, header fields fixed.
    private mutating func assemble(_ slot: Int) {
        let datagram = slots[slot]
        let headerLength = datagram.header.count
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: datagram.header)
        scratch.append(contentsOf: repeatElement(0, count: datagram.finalEnd))
        scratch.withUnsafeMutableBytes { out in
            datagram.pool.withUnsafeBytes { pool in
                for piece in datagram.pieces {
                    let count = piece.end - piece.start
                    out.baseAddress!.advanced(by: headerLength + piece.start)
                        .copyMemory(from: pool.baseAddress!.advanced(by: piece.poolStart), byteCount: count)
                }
            }
        }
        if datagram.key.ipVersion == 4 {
            let total = UInt16(headerLength + datagram.finalEnd)
            setBE16(total, at: 2)
            let flags = UInt16(scratch[6]) << 8 | UInt16(scratch[7])
            setBE16(flags & 0xC000, at: 6)  // keep the reserved and DF bits; clear MF and offset
            setBE16(0, at: 10)
            var sum: UInt32 = 0
            for k in stride(from: 0, to: headerLength, by: 2) {
                sum += UInt32(scratch[k]) << 8 | UInt32(scratch[k + 1])
            }
            while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
            setBE16(~UInt16(sum), at: 10)
        } else {
            setBE16(UInt16(headerLength - 40 + datagram.finalEnd), at: 4)
            scratch[datagram.nextHeaderIndex] = datagram.key.ipProtocol
        }
    }

    private mutating func setBE16(_ value: UInt16, at offset: Int) {
        scratch[offset] = UInt8(value >> 8)
        scratch[offset + 1] = UInt8(value & 0xFF)
    }
}
