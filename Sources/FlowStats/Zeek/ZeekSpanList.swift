/// Up to ``capacity`` disjoint, sorted, non-touching ranges `[lower, upper)` of relative
/// sequence numbers: the reassembler's block list (`DataBlockList`) reduced to which bytes
/// it holds, since only the coverage matters for gap accounting.
///
/// One range is kept inline: that is the usual case, delivered data not yet acked, and
/// the steady path's shortcuts (``appendContinuing(_:_:)``, ``trim(upTo:)``,
/// ``allEnd(atOrBefore:)``) work on it without leaving the value. Two or more ranges (data
/// above a hole) all live out of line, in ``ZeekOverflow`` storage of `2 × capacity` words
/// allocated the first time and copied on write; when the list is back to one range or
/// none, it moves inline again (the box stays, for reuse). An empty list holds nothing.
struct ZeekSpanList: Sendable {
    static let capacity = 8
    /// Words for the ranges in the box: range `i` is `[w[2i], w[2i + 1])`.
    private static let rangeWords = 2 * capacity
    /// Words after the ranges in the same storage, for the endpoint's rare values
    /// (``ZeekTCPEndpoint``): 0 until set.
    static let spareWords = 5
    private static let boxWords = rangeWords + spareWords

    /// The range while ``count`` is 1.
    private var inlineLower: UInt64 = 0
    private var inlineUpper: UInt64 = 0
    /// The ranges while ``count`` is 2 or more.
    private var box = ZeekOverflow()
    private(set) var count: UInt8 = 0

    var isEmpty: Bool {
        @inline(__always) get { count == 0 }
    }

    /// Whether out-of-line storage was allocated (for ranges or spare words).
    var hasOutOfLineStorage: Bool { box.isAllocated }

    /// Whether the ranges are in the box (two or more).
    var isOutOfLine: Bool {
        @inline(__always) get { count > 1 }
    }

    /// `lower` of range `i` (`i < count`).
    @inline(__always)
    func lower(_ i: Int) -> UInt64 {
        count <= 1 ? inlineLower : box.withWords { $0[2 &* i] }
    }

    /// `upper` of range `i` (`i < count`).
    @inline(__always)
    func upper(_ i: Int) -> UInt64 {
        count <= 1 ? inlineUpper : box.withWords { $0[2 &* i &+ 1] }
    }

    /// The end of the last range (0 when empty).
    @inline(__always)
    func lastUpper() -> UInt64 {
        switch count {
        case 0: 0
        case 1: inlineUpper
        default: upper(Int(count) &- 1)
        }
    }

    /// Bytes held (`DataBlockList::DataSize`).
    func totalSize() -> UInt64 {
        let n = Int(count)
        guard n > 1 else { return n == 0 ? 0 : inlineUpper &- inlineLower }
        return box.withWords { w in
            var sum: UInt64 = 0
            for i in 0..<n { sum &+= w[2 &* i &+ 1] &- w[2 &* i] }
            return sum
        }
    }

    /// From the start of the first range to the end of the last (0 when empty): an upper
    /// bound of ``totalSize()``.
    @inline(__always)
    func extent() -> UInt64 {
        switch count {
        case 0: 0
        case 1: inlineUpper &- inlineLower
        default: lastUpper() &- lower(0)
        }
    }

    /// Whether more than `limit` bytes are held. The ranges lie within ``extent()``, so the
    /// sum is needed only when that is above `limit`.
    @inline(__always)
    func holdsMore(than limit: UInt64) -> Bool {
        guard extent() > limit else { return false }
        return totalSize() > limit
    }

    /// Whether every range ends at or before `seq` (the list is sorted: the last one does).
    /// Inline for zero or one range; more are not the usual case and answer false.
    @inline(__always)
    func allEnd(atOrBefore seq: UInt64) -> Bool {
        switch count {
        case 0: true
        case 1: inlineUpper <= seq
        default: false
        }
    }

    /// Index of the range with `lower <= seq < upper`.
    @inline(__always)
    func index(containing seq: UInt64) -> Int? {
        switch count {
        case 0: return nil
        case 1: return inlineLower <= seq && seq < inlineUpper ? 0 : nil
        default:
            let n = Int(count)
            return box.withWords { w in
                for i in 0..<n where w[2 &* i] <= seq {
                    if seq < w[2 &* i &+ 1] { return i }
                }
                return nil
            }
        }
    }

    /// Index of the first range starting at or above `seq`.
    func firstIndex(startingAtOrAbove seq: UInt64) -> Int? {
        switch count {
        case 0: return nil
        case 1: return inlineLower >= seq ? 0 : nil
        default:
            let n = Int(count)
            return box.withWords { w in
                for i in 0..<n where w[2 &* i] >= seq { return i }
                return nil
            }
        }
    }

    /// Adds `[lo, hi)`, merging with the ranges it overlaps or touches. When the list is
    /// full, room is made first: the lowest range is dropped if it lies wholly below
    /// `boundary` (already delivered data, only awaiting an ack), else the two closest
    /// ranges are merged (a hole of the smallest size is then treated as received).
    mutating func insert(_ lo: UInt64, _ hi: UInt64, boundary: UInt64) {
        guard lo < hi else { return }
        switch count {
        case 0:
            inlineLower = lo
            inlineUpper = hi
            count = 1
            return
        case 1 where lo >= inlineLower && lo <= inlineUpper:
            // Extends the one range (what the general insert does for it).
            if hi > inlineUpper { inlineUpper = hi }
            return
        default:
            break
        }
        withBoxedRanges { w, n in Self.insert(w, &n, lo, hi, boundary: boundary) }
    }

    /// ``insert(_:_:boundary:)`` for `[lo, hi)` (`lo < hi`) that continues the held data
    /// exactly: the list is empty or its last range ends at `lo`. That range then grows
    /// to `hi` (or `[lo, hi)` becomes the only one), as `insert` would do. Returns false,
    /// changing nothing, when the data does not continue the last range.
    @inline(__always)
    mutating func appendContinuing(_ lo: UInt64, _ hi: UInt64) -> Bool {
        switch count {
        case 0:
            inlineLower = lo
            inlineUpper = hi
            count = 1
            return true
        case 1:
            guard inlineUpper == lo else { return false }
            inlineUpper = hi
            return true
        default:
            guard lastUpper() == lo else { return false }
            withBoxedRanges { w, n in w[2 &* (n &- 1) &+ 1] = hi }
            return true
        }
    }

    /// Drops what lies below `seq` (`DataBlockList::Trim`, which deletes the blocks ending
    /// at or below `seq`). Inline for the usual zero or one range; more go to the box.
    @inline(__always)
    mutating func trim(upTo seq: UInt64) {
        switch count {
        case 0:
            return
        case 1:
            if inlineUpper <= seq {
                count = 0
            } else if inlineLower < seq {
                inlineLower = seq
            }
        default:
            withBoxedRanges { w, n in Self.trimSeveral(w, &n, upTo: seq) }
        }
    }

    mutating func removeAll() { count = 0 }

    /// Spare word `i` (`i < spareWords`): 0 until set. Reading never allocates.
    @inline(__always)
    func spareWord(_ i: Int) -> UInt64 { box.word(Self.rangeWords &+ i) }

    /// Sets spare word `i`; allocates the box unless it holds `value` already (so keeping
    /// a value at 0 costs nothing).
    @inline(__always)
    mutating func setSpareWord(_ i: Int, _ value: UInt64) {
        box.setWord(Self.rangeWords &+ i, value, words: Self.boxWords)
    }

    // MARK: The ranges in the box

    /// Runs `body` on the ranges laid out in the box's words, with their count: the one
    /// inline range (if any) is moved into the box first, and if one range or none is
    /// left afterwards, it moves back inline.
    @inline(never)
    private mutating func withBoxedRanges(_ body: (UnsafeMutablePointer<UInt64>, inout Int) -> Void) {
        var n = Int(count)
        var lo = inlineLower
        var hi = inlineUpper
        box.writable(words: Self.boxWords) { w in
            if n == 1 {
                w[0] = lo
                w[1] = hi
            }
            body(w, &n)
            if n == 1 {
                lo = w[0]
                hi = w[1]
            }
        }
        inlineLower = lo
        inlineUpper = hi
        count = UInt8(n)
    }

    /// Removes `k` ranges from `i` (`i + k <= n`): the later ones move down.
    private static func remove(_ w: UnsafeMutablePointer<UInt64>, _ n: inout Int, at i: Int, count k: Int = 1) {
        guard k > 0 else { return }
        var j = i
        while j &+ k < n {  // j + k < n <= capacity: in bounds
            w[2 &* j] = w[2 &* (j &+ k)]
            w[2 &* j &+ 1] = w[2 &* (j &+ k) &+ 1]
            j &+= 1
        }
        n &-= k
    }

    private static func insert(_ w: UnsafeMutablePointer<UInt64>, _ n: inout Int, _ lo: UInt64, _ hi: UInt64,
                               boundary: UInt64) {
        var i = 0
        while i < n && w[2 * i + 1] < lo { i += 1 }
        var j = i
        var newLo = lo
        var newHi = hi
        while j < n && w[2 * j] <= hi {
            newLo = min(newLo, w[2 * j])
            newHi = max(newHi, w[2 * j + 1])
            j += 1
        }
        if j > i {
            w[2 * i] = newLo
            w[2 * i + 1] = newHi
            remove(w, &n, at: i + 1, count: j - i - 1)
            return
        }
        if n == capacity {
            makeRoom(w, &n, boundary: boundary)
            insert(w, &n, lo, hi, boundary: boundary)
            return
        }
        var k = n
        while k > i {
            w[2 * k] = w[2 * (k - 1)]
            w[2 * k + 1] = w[2 * (k - 1) + 1]
            k -= 1
        }
        w[2 * i] = lo
        w[2 * i + 1] = hi
        n += 1
    }

    private static func makeRoom(_ w: UnsafeMutablePointer<UInt64>, _ n: inout Int, boundary: UInt64) {
        if w[1] <= boundary {
            remove(w, &n, at: 0)
            return
        }
        var best = 0
        var bestGap = UInt64.max
        for k in 0..<(n - 1) {
            let gap = w[2 * (k + 1)] &- w[2 * k + 1]
            if gap < bestGap {
                bestGap = gap
                best = k
            }
        }
        w[2 * best + 1] = w[2 * (best + 1) + 1]
        remove(w, &n, at: best + 1)
    }

    private static func trimSeveral(_ w: UnsafeMutablePointer<UInt64>, _ n: inout Int, upTo seq: UInt64) {
        var k = 0
        while k < n && w[2 &* k &+ 1] <= seq { k &+= 1 }
        remove(w, &n, at: 0, count: k)
        if n > 0 && w[0] < seq { w[0] = seq }
    }
}
