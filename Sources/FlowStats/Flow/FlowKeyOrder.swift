/// Sorts flows into key order (``FlowKey/<``) by slot number, without copying their records
/// and without a random memory access per comparison.
///
/// Each flow gets a 64-bit sort prefix: the 64 bits of its key, in comparison order, starting
/// at the first bit where any two keys differ (the bits before it are the same for every key,
/// so they cannot decide). Prefixes order like the keys; equal prefixes fall back to comparing
/// the keys themselves. The sort moves 16-byte (prefix, slot) pairs, so it stays in cache
/// however large the records are: 1 M flows sort in about the time of 1 M integers.
enum FlowKeyOrder {
    /// The key's fields in comparison order, with their widths in bits.
    private static let widths: [Int] = [64, 64, 16, 64, 64, 16, 8, 16]

    @inline(__always)
    private static func fields(_ k: FlowKey) -> (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) {
        (k.lower.address.high, k.lower.address.low, UInt64(k.lower.port),
         k.upper.address.high, k.upper.address.low, UInt64(k.upper.port),
         UInt64(k.ipProtocol), UInt64(k.vlanID))
    }

    @inline(__always)
    private static func field(_ f: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64), _ i: Int) -> UInt64 {
        switch i {
        case 0: f.0
        case 1: f.1
        case 2: f.2
        case 3: f.3
        case 4: f.4
        case 5: f.5
        case 6: f.6
        default: f.7
        }
    }

    /// Sorts `slots` by the key `key` gives for each.
    static func sort(_ slots: inout [Int32], key: (Int32) -> FlowKey) {
        guard slots.count > 1 else { return }
        // Where the keys start to differ: the first field with a differing bit, and that bit.
        let first = fields(key(slots[0]))
        var diff: [UInt64] = Array(repeating: 0, count: widths.count)
        for s in slots {
            let f = fields(key(s))
            for i in 0..<widths.count { diff[i] |= field(f, i) ^ field(first, i) }
        }
        guard let startField = diff.firstIndex(where: { $0 != 0 }) else { return }  // one key only
        let startBit = diff[startField].leadingZeroBitCount - (64 - widths[startField])  // from the field's top

        func prefix(_ k: FlowKey) -> UInt64 {
            let f = fields(k)
            var acc: UInt64 = 0
            var need = 64
            var i = startField
            var offset = startBit
            while need > 0 && i < widths.count {
                let width = widths[i]
                let take = min(width - offset, need)
                let bits = (field(f, i) >> UInt64(width - offset - take)) & (take == 64 ? .max : (1 << UInt64(take)) - 1)
                acc = take == 64 ? bits : acc << UInt64(take) | bits
                need -= take
                offset = 0
                i += 1
            }
            return need == 64 ? 0 : acc << UInt64(need)
        }

        var pairs: [(prefix: UInt64, slot: Int32)] = []
        pairs.reserveCapacity(slots.count)
        for s in slots { pairs.append((prefix(key(s)), s)) }
        pairs.sort { a, b in a.prefix != b.prefix ? a.prefix < b.prefix : key(a.slot) < key(b.slot) }
        for i in pairs.indices { slots[i] = pairs[i].slot }
    }
}
