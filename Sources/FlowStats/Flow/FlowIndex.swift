/// The flow table's index: ``FlowKey`` → slot number, in one open-addressing hash table.
///
/// Linear probing over a power-of-two array kept at most half full. An entry is only the
/// key's 32-bit hash and the flow's slot (8 bytes), so the whole index stays in cache; the
/// key itself is compared in the flow's record, whose cache line the packet needs anyway.
/// Removal shifts the following entries back (no tombstones), so probe chains stay short
/// however many flows come and go. Replaces `Dictionary<FlowKey, Int32>`, whose SipHash
/// `Hasher` cost more than the rest of the lookup (docs/performance.md).
///
/// Positions come from ``FlowKey/hash32(_:)`` under this index's ``FlowHashSeed`` (random per
/// process unless `FLOWCSV_HASH_SEED` sets it), whose low bits, the ones `& mask` takes, are
/// fully mixed for every key shape. Probe chains then follow linear-probing theory: at load
/// α ≤ ½ a successful lookup takes (1 + 1/(1 − α))/2 ≤ 1.5 probes on average (Knuth), and the
/// longest chain grows as O(log n). ``probeStatistics()`` measures them; `FlowIndexTests`
/// asserts mean ≤ 2.0 and max ≤ 64 on the key shapes of real and hostile traffic (one
/// address pair with every port, a /8 of sources, NAT ports, an IPv6 /64, random keys).
struct FlowIndex {
    private struct Entry {
        var hash: UInt32
        /// The flow's slot in the table, or -1 for an empty entry.
        var slot: Int32
    }

    private static let empty = Entry(hash: 0, slot: -1)

    private var entries: [Entry]
    private var mask: Int
    /// Keys held.
    private(set) var count = 0

    /// The hash keys positions are computed with.
    let seed: FlowHashSeed

    init(capacity: Int = 1 << 12, seed: FlowHashSeed = .process) {
        self.seed = seed
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        entries = Array(repeating: Self.empty, count: size)
        mask = size - 1
    }

    /// The hash of `key` that ``find(hash:where:)``, ``insert(hash:slot:)`` and
    /// ``remove(hash:slot:)`` take.
    @inline(__always)
    func hash(of key: FlowKey) -> UInt32 { key.hash32(seed) }

    /// The slot of the key whose ``hash(of:)`` is `hash` and for whose slot `isKey`
    /// answers true (it compares the key stored with the flow), or nil.
    @inline(__always)
    func find(hash: UInt32, where isKey: (Int32) -> Bool) -> Int32? {
        var i = Int(hash) & mask
        while true {
            let entry = entries[i]
            if entry.slot < 0 { return nil }
            if entry.hash == hash && isKey(entry.slot) { return entry.slot }
            i = (i + 1) & mask
        }
    }

    /// Adds a key (not yet present) with hash `hash` for `slot`.
    mutating func insert(hash: UInt32, slot: Int32) {
        if (count + 1) * 2 > entries.count { grow() }
        place(Entry(hash: hash, slot: slot))
        count += 1
    }

    /// Removes the entry of `slot`, whose key has hash `hash`, if present.
    mutating func remove(hash: UInt32, slot: Int32) {
        var i = Int(hash) & mask
        while true {
            if entries[i].slot < 0 { return }
            if entries[i].slot == slot { break }
            i = (i + 1) & mask
        }
        // Backward-shift deletion: move each following entry of the probe run into the hole
        // when the hole lies between its home position and where it sits.
        var hole = i
        var j = (i + 1) & mask
        while entries[j].slot >= 0 {
            let home = Int(entries[j].hash) & mask
            // Distance from home to j versus from home to the hole, both cyclic.
            if (j &- home) & mask >= (j &- hole) & mask {
                entries[hole] = entries[j]
                hole = j
            }
            j = (j + 1) & mask
        }
        entries[hole] = Self.empty
        count -= 1
    }

    mutating func removeAll() {
        for i in entries.indices { entries[i] = Self.empty }
        count = 0
    }

    private mutating func place(_ entry: Entry) {
        var i = Int(entry.hash) & mask
        while entries[i].slot >= 0 { i = (i + 1) & mask }
        entries[i] = entry
    }

    private mutating func grow() {
        let old = entries
        entries = Array(repeating: Self.empty, count: old.count * 2)
        mask = entries.count - 1
        for entry in old where entry.slot >= 0 { place(entry) }
    }

    /// Probe lengths of the keys held: for each, the distance from its home position to where
    /// it sits, plus 1 (the probes a lookup of it takes). Mean and maximum over the keys; zeros
    /// when empty. For the structural tests; O(capacity).
    func probeStatistics() -> (mean: Double, max: Int) {
        var total = 0
        var longest = 0
        for (i, entry) in entries.enumerated() where entry.slot >= 0 {
            let probes = ((i &- Int(entry.hash)) & mask) + 1
            total += probes
            longest = Swift.max(longest, probes)
        }
        return count == 0 ? (0, 0) : (Double(total) / Double(count), longest)
    }

    /// Entries the index has room for (a power of two, at least twice ``count``).
    var capacity: Int { entries.count }
}
