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
    /// The letters, ``count`` of them (ASCII).
    private var storage: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    /// `hist_seen`: TCP originator masks in the low 16 bits, responder masks shifted left 16.
    private(set) var seen: UInt32 = 0
    /// How many letters are held (at most ``capacity``).
    private(set) var count: UInt8 = 0

    /// `Session::AddHistory`: appends `code`.
    @inline(__always)
    mutating func add(_ code: UInt8) {
        let index = Int(count)
        guard index < Self.capacity else { return }
        // index < capacity = the 64 bytes of `storage`: in bounds.
        withUnsafeMutableBytes(of: &storage) { $0[index] = code }
        count &+= 1
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
        let n = min(Int(count), Self.capacity - 1)
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
        count = UInt8(n + 1)
        let other = seen & 0x400  // HIST_UNKNOWN_PKT ('X') is not a per-role bit
        let roles = seen & ~UInt32(0x400)
        seen = (roles << 16) | (roles >> 16) | other
    }

    /// Whether the history matches Zeek's `/\^?S[^HAFGIQ]*R.*/` (whole string), the test
    /// `conn_state()` uses to tell `RSTOS0` from `OTH`.
    var matchesRSTOS0Pattern: Bool {
        let count = Int(count)
        return withUnsafeBytes(of: storage) { raw in
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
        return try withUnsafeBytes(of: storage) { raw in
            // count <= capacity = raw.count: in bounds.
            try body(UnsafeRawBufferPointer(rebasing: raw[0..<count]))
        }
    }
}
