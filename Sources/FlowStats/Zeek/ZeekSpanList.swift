/// Up to ``capacity`` disjoint, sorted, non-touching ranges `[lower, upper)` of relative
/// sequence numbers, stored inline: the reassembler's block list (`DataBlockList`) reduced
/// to which bytes it holds, since only the coverage matters for gap accounting.
///
/// Every member is `mutating`, even those that only read: they reach the words through a
/// pointer to this value in place. (A read through `withUnsafeBytes(of:)` on a non-`inout`
/// value copies the whole tuple to the stack first, at each access.) The list lives inside
/// an endpoint that the connection always works on `inout`, so this costs nothing.
struct ZeekSpanList: Sendable {
    static let capacity = 8
    /// Range `i` is `[words[2i], words[2i + 1])`; only the first ``count`` ranges are valid.
    private var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    private(set) var count: UInt8 = 0

    var isEmpty: Bool {
        @inline(__always) get { count == 0 }
    }

    /// Runs `body` with the words as 16 `UInt64`s. A homogeneous tuple is laid out as a C
    /// array, so the pointer may be indexed 0..<16; callers index only `2 * i` and
    /// `2 * i + 1` for `i < capacity`.
    @inline(__always)
    private mutating func withWords<R>(_ body: (UnsafeMutablePointer<UInt64>) -> R) -> R {
        withUnsafeMutablePointer(to: &words) { tuple in
            tuple.withMemoryRebound(to: UInt64.self, capacity: 2 * Self.capacity) { body($0) }
        }
    }

    /// `lower` of range `i` (`i < count`, so in bounds).
    @inline(__always)
    mutating func lower(_ i: Int) -> UInt64 { withWords { $0[2 &* i] } }

    /// `upper` of range `i` (`i < count`, so in bounds).
    @inline(__always)
    mutating func upper(_ i: Int) -> UInt64 { withWords { $0[2 &* i &+ 1] } }

    /// The end of the last range (0 when empty).
    @inline(__always)
    mutating func lastUpper() -> UInt64 {
        let n = Int(count)
        return n == 0 ? 0 : upper(n &- 1)
    }

    @inline(__always)
    private mutating func set(_ i: Int, _ lo: UInt64, _ hi: UInt64) {
        withWords { w in
            w[2 &* i] = lo
            w[2 &* i &+ 1] = hi
        }
    }

    /// Removes `n` ranges from `i` (`i + n <= count`): the later ones move down.
    private mutating func remove(at i: Int, count n: Int = 1) {
        guard n > 0 else { return }
        let total = Int(count)
        withWords { w in
            var k = i
            while k &+ n < total {  // k + n < count <= capacity: in bounds
                w[2 &* k] = w[2 &* (k &+ n)]
                w[2 &* k &+ 1] = w[2 &* (k &+ n) &+ 1]
                k &+= 1
            }
        }
        count = UInt8(total &- n)
    }

    /// Bytes held (`DataBlockList::DataSize`).
    mutating func totalSize() -> UInt64 {
        let n = Int(count)
        return withWords { w in
            var sum: UInt64 = 0
            for i in 0..<n { sum &+= w[2 &* i &+ 1] &- w[2 &* i] }
            return sum
        }
    }

    /// From the start of the first range to the end of the last (0 when empty): an upper
    /// bound of ``totalSize()``.
    @inline(__always)
    mutating func extent() -> UInt64 {
        let n = Int(count)
        return n == 0 ? 0 : upper(n &- 1) &- lower(0)
    }

    /// Whether more than `limit` bytes are held. The ranges lie within ``extent()``, so the
    /// sum is needed only when that is above `limit`.
    @inline(__always)
    mutating func holdsMore(than limit: UInt64) -> Bool {
        guard extent() > limit else { return false }
        return totalSize() > limit
    }

    /// Whether every range ends at or before `seq` (the list is sorted: the last one does).
    /// Inline for zero or one range; more are not the usual case and answer false.
    @inline(__always)
    mutating func allEnd(atOrBefore seq: UInt64) -> Bool {
        switch count {
        case 0: true
        case 1: upper(0) <= seq
        default: false
        }
    }

    /// Index of the range with `lower <= seq < upper`.
    @inline(__always)
    mutating func index(containing seq: UInt64) -> Int? {
        let n = Int(count)
        return withWords { w in
            for i in 0..<n where w[2 &* i] <= seq {
                if seq < w[2 &* i &+ 1] { return i }
            }
            return nil
        }
    }

    /// Index of the first range starting at or above `seq`.
    mutating func firstIndex(startingAtOrAbove seq: UInt64) -> Int? {
        let n = Int(count)
        return withWords { w in
            for i in 0..<n where w[2 &* i] >= seq { return i }
            return nil
        }
    }

    /// Adds `[lo, hi)`, merging with the ranges it overlaps or touches. When the list is
    /// full, room is made first: the lowest range is dropped if it lies wholly below
    /// `boundary` (already delivered data, only awaiting an ack), else the two closest
    /// ranges are merged (a hole of the smallest size is then treated as received).
    mutating func insert(_ lo: UInt64, _ hi: UInt64, boundary: UInt64) {
        guard lo < hi else { return }
        let n = Int(count)
        // The usual case, data at or after the start of the last range: it extends that
        // range, or (above it) is appended. Every earlier range ends below the last one's
        // start, so none of them is touched (what the general search below would find).
        if n > 0 {
            let last = n &- 1
            let lastLower = lower(last)
            if lo >= lastLower {
                let lastUpper = upper(last)
                if lo <= lastUpper {
                    if hi > lastUpper { set(last, lastLower, hi) }
                    return
                }
                if n < Self.capacity {
                    set(n, lo, hi)
                    count &+= 1
                    return
                }
            }
        } else {
            set(0, lo, hi)
            count = 1
            return
        }
        insertGeneral(lo, hi, boundary: boundary)
    }

    /// ``insert(_:_:boundary:)`` for `[lo, hi)` (`lo < hi`) that continues the held data
    /// exactly: the list is empty or its last range ends at `lo`. That range then grows
    /// to `hi` (or `[lo, hi)` becomes the only one), as `insert` would do. Returns false,
    /// changing nothing, when the data does not continue the last range.
    @inline(__always)
    mutating func appendContinuing(_ lo: UInt64, _ hi: UInt64) -> Bool {
        let n = Int(count)
        if n == 0 {
            set(0, lo, hi)
            count = 1
            return true
        }
        let last = n &- 1
        guard upper(last) == lo else { return false }
        withWords { $0[2 &* last &+ 1] = hi }  // last < count <= capacity: in bounds
        return true
    }

    private mutating func insertGeneral(_ lo: UInt64, _ hi: UInt64, boundary: UInt64) {
        let n = Int(count)
        var i = 0
        while i < n && upper(i) < lo { i += 1 }
        var j = i
        var newLo = lo
        var newHi = hi
        while j < n && lower(j) <= hi {
            newLo = min(newLo, lower(j))
            newHi = max(newHi, upper(j))
            j += 1
        }
        if j > i {
            set(i, newLo, newHi)
            remove(at: i + 1, count: j - i - 1)
            return
        }
        if n == Self.capacity {
            makeRoom(boundary: boundary)
            insert(lo, hi, boundary: boundary)
            return
        }
        var k = n
        while k > i {
            set(k, lower(k - 1), upper(k - 1))
            k -= 1
        }
        set(i, lo, hi)
        count &+= 1
    }

    private mutating func makeRoom(boundary: UInt64) {
        if upper(0) <= boundary {
            remove(at: 0)
            return
        }
        var best = 0
        var bestGap = UInt64.max
        for k in 0..<(Int(count) - 1) {
            let gap = lower(k + 1) &- upper(k)
            if gap < bestGap {
                bestGap = gap
                best = k
            }
        }
        set(best, lower(best), upper(best + 1))
        remove(at: best + 1)
    }

    /// Drops what lies below `seq` (`DataBlockList::Trim`, which deletes the blocks ending
    /// at or below `seq`). Inline for the usual zero or one range; more go to the loop.
    @inline(__always)
    mutating func trim(upTo seq: UInt64) {
        switch count {
        case 0:
            return
        case 1:
            let hi = upper(0)
            if hi <= seq {
                count = 0
            } else if lower(0) < seq {
                set(0, seq, hi)
            }
        default:
            trimSeveral(upTo: seq)
        }
    }

    private mutating func trimSeveral(upTo seq: UInt64) {
        let total = Int(count)
        var n = 0
        while n < total && upper(n) <= seq { n &+= 1 }
        remove(at: 0, count: n)
        if count > 0 && lower(0) < seq { set(0, seq, upper(0)) }
    }

    mutating func removeAll() { count = 0 }
}
