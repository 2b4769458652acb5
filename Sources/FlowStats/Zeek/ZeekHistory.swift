/// A `(count, threshold)` pair for Zeek's logarithmic history letters
/// (`TCP_Endpoint::chk_cnt/chk_thresh`, `rxmt_*`, `win0_*`, `gap_*`, and UDP's
/// `req_chk_*`/`rep_chk_*`), in 4 bytes. Both start as Zeek's: 0 and 1.
///
/// Zeek's threshold (`Connection::ScaledHistoryEntry`, base 10, in 32 bits) goes 1, 10, …,
/// 10^9, then 10^10 wrapped around 32 bits (1 410 065 408, still larger), and stays there
/// (the next product wraps to a smaller value: the count restarts at 0 instead). So until
/// the count reaches 10^9 the threshold is the smallest power of ten above it, and after
/// that it is 1 410 065 408: the count (below 2^31) and one bit for "after" say it all.
struct ZeekScaledCounter: Sendable, Equatable {
    /// The count in the low 31 bits; bit 31 set once the threshold is ``wrappedThreshold``.
    private var raw: UInt32 = 0

    private static let afterBit: UInt32 = 1 << 31
    /// 10^10 modulo 2^32: Zeek's threshold after 10^9.
    static let wrappedThreshold: UInt32 = 1_410_065_408

    var count: UInt32 { raw & ~Self.afterBit }

    init() {}

    /// The 4 bytes, for keeping a counter in a spare word.
    var bits: UInt32 { raw }

    init(bits: UInt32) { raw = bits }

    /// A counter in the state Zeek's pair `(count, threshold)` describes (for the tests):
    /// `threshold` is one Zeek reaches (a power of ten up to 10^9, or ``wrappedThreshold``)
    /// and `count` is below it.
    init(count: UInt32, threshold: UInt32) {
        precondition(count < threshold)
        raw = threshold == Self.wrappedThreshold ? count | Self.afterBit : count
        precondition(self.threshold == threshold)
    }

    /// The count at which the next letter is recorded.
    var threshold: UInt32 {
        if raw & Self.afterBit != 0 { return Self.wrappedThreshold }
        var t: UInt32 = 1
        while t <= count { t &*= 10 }
        return t
    }

    /// Counts one event and answers whether the count reached the threshold (Zeek then
    /// records the letter, and moves the threshold on or restarts the count).
    @inline(__always)
    mutating func tick() -> Bool {
        raw &+= 1
        if raw & Self.afterBit != 0 {
            guard raw == Self.afterBit | Self.wrappedThreshold else { return false }
            raw = Self.afterBit  // 1 410 065 408 × 10 wraps to less: the count restarts
            return true
        }
        switch raw {
        case 1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000:
            return true
        case 1_000_000_000:
            raw |= Self.afterBit  // the threshold becomes 10^10 wrapped; the count goes on
            return true
        default:
            return false
        }
    }
}

/// A connection's history string (`Session::history`) and the bits of the letters already
/// recorded once (`Session::hist_seen`): adding a letter allocates only when the history
/// grows past ``inlineCapacity`` letters; the `String` is built only when asked for.
///
/// Zeek's string has no limit; this one keeps the first ``capacity`` letters, far more than
/// Zeek can produce in practice (the once-only letters, the logarithmic ones — at most ten
/// per kind and side — and repeated S/H/F/R only for new sequence numbers). The first
/// ``inlineCapacity`` letters are inline (the corpus's longest history has 11); a longer
/// history lives, all of it, in a ``ZeekOverflow`` box of ``capacity`` bytes (a history
/// never shrinks, so it stays there).
struct ZeekHistory: Sendable {
    static let capacity = 64
    static let inlineCapacity = 16
    /// The letters while ``count`` is at most ``inlineCapacity`` (ASCII).
    private var storage: (UInt64, UInt64) = (0, 0)
    /// All the letters once ``count`` is above ``inlineCapacity`` (`capacity / 8` words).
    private var box = ZeekOverflow()
    /// `hist_seen`: TCP originator masks in the low 16 bits, responder masks shifted left 16.
    private(set) var seen: UInt32 = 0
    /// How many letters are held (at most ``capacity``).
    private(set) var count: UInt8 = 0

    /// Words for the letters in the box.
    private static let letterWords = capacity / 8
    /// Words after the letters in the same storage, for the connection's rare values
    /// (``ZeekConnection``'s core): 0 until set.
    static let spareWords = 2
    private static let boxWords = letterWords + spareWords

    /// Spare word `i` (`i < spareWords`): 0 until set. Reading never allocates.
    @inline(__always)
    func spareWord(_ i: Int) -> UInt64 { box.word(Self.letterWords &+ i) }

    /// Sets spare word `i`; allocates the box unless it holds `value` already.
    @inline(__always)
    mutating func setSpareWord(_ i: Int, _ value: UInt64) {
        box.setWord(Self.letterWords &+ i, value, words: Self.boxWords)
    }

    /// Whether the letters are in the box.
    var isOutOfLine: Bool { count > Self.inlineCapacity }

    /// `Session::AddHistory`: appends `code`.
    @inline(__always)
    mutating func add(_ code: UInt8) {
        let index = Int(count)
        guard index < Self.inlineCapacity else {
            addOutOfLine(code)
            return
        }
        // index < inlineCapacity = the 16 bytes of `storage`: in bounds.
        withUnsafeMutableBytes(of: &storage) { $0[index] = code }
        count &+= 1
    }

    @inline(never)
    private mutating func addOutOfLine(_ code: UInt8) {
        let index = Int(count)
        guard index < Self.capacity else { return }
        withWritableBytes(newCount: index + 1) { $0[index] = code }
        count &+= 1
    }

    /// Runs `body` on the letters' bytes for writing, laid out where a history of
    /// `newCount` letters lives: inline, or the box (the inline letters move there first).
    private mutating func withWritableBytes(newCount: Int, _ body: (UnsafeMutableRawBufferPointer) -> Void) {
        guard newCount > Self.inlineCapacity else {
            withUnsafeMutableBytes(of: &storage) { body($0) }
            return
        }
        let current = Int(count)
        let inlineLetters = storage
        box.writable(words: Self.boxWords) { words in
            let raw = UnsafeMutableRawBufferPointer(start: words, count: Self.capacity)
            if current <= Self.inlineCapacity {
                withUnsafeBytes(of: inlineLetters) { raw.copyMemory(from: $0) }
            }
            body(raw)
        }
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
        guard counter.tick() else { return false }
        add(code)
        return true
    }

    /// The history side of `Connection::FlipRoles` as the connection's baselines show it
    /// (conn-size-flip, PR #5047): the letters recorded so far change case — they now
    /// describe the other role — and `^` goes in front; the once-only bits of the two roles
    /// (`hist_seen` halves) change places with them. For a flip when the connection is made
    /// the history is still empty, so it becomes `^`.
    mutating func flipRoles() {
        let n = min(Int(count), Self.capacity - 1)
        withWritableBytes(newCount: n + 1) { raw in
            var i = n
            while i > 0 {
                let c = raw[i - 1]
                let isLetter = (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                raw[i] = isLetter ? c ^ 0x20 : c
                i -= 1
            }
            raw[0] = UInt8(ascii: "^")
        }
        count = UInt8(n + 1)
        let other = seen & 0x400  // HIST_UNKNOWN_PKT ('X') is not a per-role bit
        let roles = seen & ~UInt32(0x400)
        seen = (roles << 16) | (roles >> 16) | other
    }

    /// Whether the history matches Zeek's `/\^?S[^HAFGIQ]*R.*/` (whole string), the test
    /// `conn_state()` uses to tell `RSTOS0` from `OTH`.
    var matchesRSTOS0Pattern: Bool {
        let count = Int(count)
        return withBytes { raw in
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
        withBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// Runs `body` with the letters as ASCII bytes (empty when there are none).
    @inline(__always)
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let count = Int(count)
        if count > Self.inlineCapacity {
            return try box.withWords { words in
                // count <= capacity = the box's bytes: in bounds.
                try body(UnsafeRawBufferPointer(start: words, count: count))
            }
        }
        return try withUnsafeBytes(of: storage) { raw in
            // count <= inlineCapacity = raw.count: in bounds.
            try body(UnsafeRawBufferPointer(rebasing: raw[0..<count]))
        }
    }
}
