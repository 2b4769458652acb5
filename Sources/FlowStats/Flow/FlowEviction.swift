/// `--max-flows`: finds the least recently active live flow, to end it (``EndReason/evicted``)
/// when creating a flow would exceed the cap.
///
/// A lazy min-heap of (last packet time when pushed, slot), one valid entry per live flow,
/// pushed when the flow starts. Nothing happens per packet: an entry whose flow has seen
/// packets since it was pushed is re-pushed with the flow's current last time only when it
/// reaches the top, so the top's flow, once confirmed, is exactly the least recently active
/// one (a flow's last time only grows). Flows with the same last time are told apart by
/// their key, never by the hash or the slot. An entry is stale once its slot's flow ended
/// (a generation number per slot tells); stale entries are dropped when popped, and the heap
/// is rebuilt without them when they outnumber the live ones, so it stays O(live flows).
///
/// Kept only when the cap is on (``FlowConfiguration/maxFlows`` > 0); the table calls
/// ``started(_:at:)`` and ``ended(_:)`` from its create and end paths. The heap is a plain
/// binary heap: a new flow's time is the latest, so its insert stops after one comparison
/// (a min-max heap would climb its max levels every time).
struct FlowEviction {
    private struct Entry {
        var lastNs: Int64
        var slot: Int32
        var generation: UInt32

        @inline(__always)
        static func < (a: Entry, b: Entry) -> Bool {
            a.lastNs != b.lastNs ? a.lastNs < b.lastNs : a.slot < b.slot
        }
    }

    private var heap = BinaryHeap()
    /// Per slot: bumped whenever a flow starts or ends in it, so older entries are stale.
    private var generations: [UInt32] = []
    /// Live flows tracked (one valid heap entry each).
    private var live = 0
    /// Flows evicted so far.
    private(set) var evicted = 0

    /// A flow started in `slot` with its first packet at `now`.
    mutating func started(_ slot: Int32, at now: Int64) {
        let s = Int(slot)
        while s >= generations.count { generations.append(0) }  // slots are handed out in order
        generations[s] &+= 1
        live += 1
        if heap.count >= 2 * live + 1024 { dropStale() }
        heap.insert(Entry(lastNs: now, slot: slot, generation: generations[s]))
    }

    /// The flow in `slot` ended (for whatever reason): its entry is stale from now on.
    mutating func ended(_ slot: Int32) {
        let s = Int(slot)
        guard s < generations.count else { return }
        generations[s] &+= 1
        live -= 1
    }

    /// The slot of the least recently active live flow: the smallest last packet time (as
    /// `lastNs` reads it now), and among equal times the smallest key. Counts it as evicted;
    /// the caller ends it. Nil when no flow is tracked.
    mutating func victim(lastNs: (Int32) -> Int64, key: (Int32) -> FlowKey) -> Int32? {
        // The confirmed entries with the smallest time; more than one only on a tie.
        var ties: [Entry] = []
        while let top = heap.min {
            if let first = ties.first, top.lastNs > first.lastNs { break }
            heap.popMin()
            guard generations[Int(top.slot)] == top.generation else { continue }  // stale
            let current = lastNs(top.slot)
            if current > top.lastNs {
                heap.insert(Entry(lastNs: current, slot: top.slot, generation: top.generation))
            } else {
                ties.append(top)
            }
        }
        guard var chosen = ties.indices.first else { return nil }
        for i in ties.indices.dropFirst() where key(ties[i].slot) < key(ties[chosen].slot) { chosen = i }
        for i in ties.indices where i != chosen { heap.insert(ties[i]) }
        evicted += 1
        return ties[chosen].slot
    }

    /// Forgets every flow (the table was emptied); keeps the count of evictions.
    mutating func removeAll() {
        heap = BinaryHeap()
        generations.removeAll()
        live = 0
    }

    private mutating func dropStale() {
        let generations = self.generations
        heap.removeAll { generations[Int($0.slot)] != $0.generation }
    }

    /// A binary min-heap of entries in an array.
    private struct BinaryHeap {
        private var items: [Entry] = []

        var count: Int { items.count }
        var min: Entry? { items.first }

        mutating func insert(_ entry: Entry) {
            var i = items.count
            items.append(entry)
            while i > 0 {
                let parent = (i - 1) / 2
                guard entry < items[parent] else { break }
                items[i] = items[parent]
                i = parent
            }
            items[i] = entry
        }

        mutating func popMin() {
            let last = items.removeLast()
            if !items.isEmpty { siftDown(last, from: 0) }
        }

        /// Removes the entries `isRemoved` picks, and restores the heap order (in O(n)).
        mutating func removeAll(where isRemoved: (Entry) -> Bool) {
            items.removeAll(where: isRemoved)
            for i in stride(from: items.count / 2 - 1, through: 0, by: -1) { siftDown(items[i], from: i) }
        }

        /// Puts `entry` at `i` and moves it down to its place.
        private mutating func siftDown(_ entry: Entry, from start: Int) {
            var i = start
            while true {
                var child = 2 * i + 1
                if child >= items.count { break }
                if child + 1 < items.count && items[child + 1] < items[child] { child += 1 }
                guard items[child] < entry else { break }
                items[i] = items[child]
                i = child
            }
            items[i] = entry
        }
    }
}
