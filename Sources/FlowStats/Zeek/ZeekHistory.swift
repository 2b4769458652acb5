/// A `(count, threshold)` pair for Zeek's logarithmic history letters
/// (`TCP_Endpoint::chk_cnt/chk_thresh`, `rxmt_*`, `win0_*`, `gap_*`, and UDP's
/// `req_chk_*`/`rep_chk_*`). Both start as Zeek's: 0 and 1.
struct ZeekScaledCounter: Sendable, Equatable {
    var count: UInt32 = 0
    var threshold: UInt32 = 1
}

/// A connection's history string (`Session::history`) and the bits of the letters already
/// recorded once (`Session::hist_seen`), in a fixed inline buffer: adding a letter never
/// allocates; the `String` is built only when asked for.
///
/// Zeek's string has no limit; this one keeps the first ``capacity`` letters, far more than
/// Zeek can produce in practice (the once-only letters, the logarithmic ones — at most ten
/// per kind and side — and repeated S/H/F/R only for new sequence numbers).
struct ZeekHistory: Sendable {
    static let capacity = 64
    private var storage: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    private(set) var count = 0
    /// `hist_seen`: TCP originator masks in the low 16 bits, responder masks shifted left 16.
    private(set) var seen: UInt32 = 0

    /// `Session::AddHistory`: appends `code`.
    @inline(__always)
    mutating func add(_ code: UInt8) {
        guard count < Self.capacity else { return }
        let index = count
        withUnsafeMutableBytes(of: &storage) { $0[index] = code }
        count += 1
    }

    /// `Session::CheckHistory`: records `code` the first time `mask` is seen and returns
    /// false; returns true (recording nothing) when the mask was already set.
    @inline(__always)
    mutating func check(_ mask: UInt32, _ code: UInt8) -> Bool {
        if seen & mask == 0 {
            seen |= mask
            add(code)
            return false
        }
        return true
    }

    /// `Connection::ScaledHistoryEntry` with `scaling_base` 10: counts one event and records
    /// `code` when the count reaches the threshold (1, 10, 100, …). If the next threshold
    /// would wrap around 32 bits, the counter restarts and the threshold stays.
    @inline(__always)
    @discardableResult
    mutating func scaled(_ code: UInt8, _ counter: inout ZeekScaledCounter) -> Bool {
        counter.count &+= 1
        guard counter.count == counter.threshold else { return false }
        add(code)
        let next = counter.threshold &* 10
        if next <= counter.threshold {
            counter.count = 0
        } else {
            counter.threshold = next
        }
        return true
    }

    /// The history side of `Connection::FlipRoles` as the connection's baselines show it
    /// (conn-size-flip, PR #5047): the letters recorded so far change case — they now
    /// describe the other role — and `^` goes in front; the once-only bits of the two roles
    /// (`hist_seen` halves) change places with them. For a flip when the connection is made
    /// the history is still empty, so it becomes `^`.
    mutating func flipRoles() {
        let n = min(count, Self.capacity - 1)
        withUnsafeMutableBytes(of: &storage) { raw in
            var i = n
            while i > 0 {
                let c = raw[i - 1]
                let isLetter = (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                raw[i] = isLetter ? c ^ 0x20 : c
                i -= 1
            }
            raw[0] = UInt8(ascii: "^")
        }
        count = n + 1
        let other = seen & 0x400  // HIST_UNKNOWN_PKT ('X') is not a per-role bit
        let roles = seen & ~UInt32(0x400)
        seen = (roles << 16) | (roles >> 16) | other
    }

    /// Whether the history matches Zeek's `/\^?S[^HAFGIQ]*R.*/` (whole string), the test
    /// `conn_state()` uses to tell `RSTOS0` from `OTH`.
    var matchesRSTOS0Pattern: Bool {
        withUnsafeBytes(of: storage) { raw in
            var i = 0
            if i < count, raw[i] == UInt8(ascii: "^") { i += 1 }
            guard i < count, raw[i] == UInt8(ascii: "S") else { return false }
            i += 1
            while i < count {
                switch raw[i] {
                case UInt8(ascii: "R"): return true
                case UInt8(ascii: "H"), UInt8(ascii: "A"), UInt8(ascii: "F"), UInt8(ascii: "G"),
                     UInt8(ascii: "I"), UInt8(ascii: "Q"):
                    return false
                default: i += 1
                }
            }
            return false
        }
    }

    var string: String {
        withUnsafeBytes(of: storage) { raw in
            String(decoding: UnsafeRawBufferPointer(rebasing: raw[0..<count]), as: UTF8.self)
        }
    }
}

/// Up to ``capacity`` disjoint, sorted, non-touching ranges `[lower, upper)` of relative
/// sequence numbers, stored inline: the reassembler's block list (`DataBlockList`) reduced
/// to which bytes it holds, since only the coverage matters for gap accounting.
/// The non-mutating members are `@inline(__always)`: called on a list inside an `inout`
/// endpoint they then read it in place instead of copying it for the call.
struct ZeekSpanList: Sendable {
    static let capacity = 8
    private var lowers: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var uppers: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    @inline(__always)
    func lower(_ i: Int) -> UInt64 {
        withUnsafeBytes(of: lowers) { $0.load(fromByteOffset: i &* 8, as: UInt64.self) }
    }

    @inline(__always)
    func upper(_ i: Int) -> UInt64 {
        withUnsafeBytes(of: uppers) { $0.load(fromByteOffset: i &* 8, as: UInt64.self) }
    }

    @inline(__always)
    private mutating func set(_ i: Int, _ lo: UInt64, _ hi: UInt64) {
        withUnsafeMutableBytes(of: &lowers) { $0.storeBytes(of: lo, toByteOffset: i &* 8, as: UInt64.self) }
        withUnsafeMutableBytes(of: &uppers) { $0.storeBytes(of: hi, toByteOffset: i &* 8, as: UInt64.self) }
    }

    private mutating func remove(at i: Int, count n: Int = 1) {
        guard n > 0 else { return }
        var k = i
        while k + n < count {
            set(k, lower(k + n), upper(k + n))
            k += 1
        }
        count -= n
    }

    /// Bytes held (`DataBlockList::DataSize`).
    @inline(__always)
    var totalSize: UInt64 {
        var sum: UInt64 = 0
        for i in 0..<count { sum &+= upper(i) &- lower(i) }
        return sum
    }

    /// Index of the range with `lower <= seq < upper`.
    @inline(__always)
    func index(containing seq: UInt64) -> Int? {
        for i in 0..<count where lower(i) <= seq {
            if seq < upper(i) { return i }
        }
        return nil
    }

    /// Index of the first range starting at or above `seq`.
    @inline(__always)
    func firstIndex(startingAtOrAbove seq: UInt64) -> Int? {
        for i in 0..<count where lower(i) >= seq { return i }
        return nil
    }

    /// Adds `[lo, hi)`, merging with the ranges it overlaps or touches. When the list is
    /// full, room is made first: the lowest range is dropped if it lies wholly below
    /// `boundary` (already delivered data, only awaiting an ack), else the two closest
    /// ranges are merged (a hole of the smallest size is then treated as received).
    mutating func insert(_ lo: UInt64, _ hi: UInt64, boundary: UInt64) {
        guard lo < hi else { return }
        var i = 0
        while i < count && upper(i) < lo { i += 1 }
        var j = i
        var newLo = lo
        var newHi = hi
        while j < count && lower(j) <= hi {
            newLo = min(newLo, lower(j))
            newHi = max(newHi, upper(j))
            j += 1
        }
        if j > i {
            set(i, newLo, newHi)
            remove(at: i + 1, count: j - i - 1)
            return
        }
        if count == Self.capacity {
            makeRoom(boundary: boundary)
            insert(lo, hi, boundary: boundary)
            return
        }
        var k = count
        while k > i {
            set(k, lower(k - 1), upper(k - 1))
            k -= 1
        }
        set(i, lo, hi)
        count += 1
    }

    private mutating func makeRoom(boundary: UInt64) {
        if upper(0) <= boundary {
            remove(at: 0)
            return
        }
        var best = 0
        var bestGap = UInt64.max
        for k in 0..<(count - 1) {
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
    /// at or below `seq`).
    mutating func trim(upTo seq: UInt64) {
        var n = 0
        while n < count && upper(n) <= seq { n += 1 }
        remove(at: 0, count: n)
        if count > 0 && lower(0) < seq { set(0, seq, upper(0)) }
    }

    mutating func removeAll() { count = 0 }
}
