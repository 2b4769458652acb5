/// A growing byte buffer that formats CSV fields without `String(format:)` and without
/// per-field allocation. Fields are separated automatically within a row.
///
/// The bytes live in one manually grown allocation written through a pointer, so a digit or a
/// separator costs a store, not a generic `Array.append(contentsOf:)`. Used by one thread at
/// a time (each file, and each worker, has its own).
public final class CSVBuffer {
    // One thread at a time uses a buffer, so the runtime's exclusivity checks on these
    // class properties (a call into the runtime per access) are switched off.
    @exclusivity(unchecked) private var storage: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity: Int
    /// Bytes written so far.
    @exclusivity(unchecked) public private(set) var count = 0
    @exclusivity(unchecked) private var atRowStart = true

    public init(capacity: Int = 1 << 16) {
        self.capacity = max(capacity, 256)
        storage = .allocate(capacity: self.capacity)
    }

    deinit { storage.deallocate() }

    /// A copy of the bytes written so far.
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: storage, count: count)) }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    private func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.update(from: storage, count: count)
        storage.deallocate()
        storage = bigger
        capacity = newCapacity
    }

    @inline(__always)
    private func put(_ byte: UInt8) {
        reserve(1)
        storage[count] = byte  // in bounds: reserved above
        count += 1
    }

    private func put<C: Collection>(contentsOf bytes: C) where C.Element == UInt8 {
        reserve(bytes.count)
        for b in bytes {  // in bounds: reserved above
            storage[count] = b
            count += 1
        }
    }

    @inline(__always)
    private func separate() {
        if atRowStart { atRowStart = false } else { put(UInt8(ascii: ",")) }
    }

    public func endRow() {
        put(UInt8(ascii: "\n"))
        atRowStart = true
    }

    public func removeAll() {
        count = 0
        atRowStart = true
    }

    /// Bytes prepared once (a per-file field, already quoted): copied as a field.
    public func prepared(_ field: [UInt8]) {
        separate()
        put(contentsOf: field)
    }

    /// `s` as `userText` would write it, for fields that are the same on every row of a file.
    public static func preparedUserText(_ s: String) -> [UInt8] {
        let b = CSVBuffer(capacity: s.utf8.count + 8)
        b.userText(s)
        return b.bytes
    }

    /// A field from the program's own vocabulary (column names, protocol keywords, addresses):
    /// quoted only when RFC 4180 requires it.
    public func text(_ s: String) {
        separate()
        appendQuoted(s)
    }

    /// A field that comes from a file name or other user data. Besides RFC 4180 quoting, a
    /// value that a spreadsheet would run as a formula (first character `=`, `+`, `-`, `@`,
    /// tab or carriage return) is prefixed with `'`, the usual neutralisation (OWASP).
    public func userText(_ s: String) {
        separate()
        if let first = s.utf8.first, [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"),
                                      UInt8(ascii: "@"), 0x09, 0x0D].contains(first) {
            appendQuoted("'" + s)
        } else {
            appendQuoted(s)
        }
    }

    private func appendQuoted(_ s: String) {
        let needsQuotes = s.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        if !needsQuotes {
            put(contentsOf: s.utf8)
            return
        }
        put(UInt8(ascii: "\""))
        for c in s.utf8 {
            if c == UInt8(ascii: "\"") { put(c) }
            put(c)
        }
        put(UInt8(ascii: "\""))
    }

    /// Text known to need no quoting (protocol keywords, states, letters): copied as is.
    public func plain(_ s: StaticString) {
        separate()
        s.withUTF8Buffer { put(contentsOf: $0) }
    }

    /// Text known to need no quoting, e.g. Zeek history letters.
    public func plain(_ s: String) {
        separate()
        put(contentsOf: s.utf8)
    }

    /// An address: IPv4 dotted quad written digit by digit, IPv6 as RFC 5952 text.
    public func address(_ a: IPAddress) {
        separate()
        if a.isIPv4 {
            let v = UInt32(truncatingIfNeeded: a.low)
            appendUInt(UInt64(v >> 24))
            put(UInt8(ascii: "."))
            appendUInt(UInt64((v >> 16) & 0xFF))
            put(UInt8(ascii: "."))
            appendUInt(UInt64((v >> 8) & 0xFF))
            put(UInt8(ascii: "."))
            appendUInt(UInt64(v & 0xFF))
        } else {
            put(contentsOf: a.description.utf8)
        }
    }

    public func int(_ value: Int) {
        separate()
        appendInt(value)
    }

    /// A time or duration given in nanoseconds, written in seconds with 6 decimals, or 9
    /// when the value has sub-microsecond digits: exact, never rounded.
    public func seconds(_ ns: Int64) {
        separate()
        var magnitude = ns.magnitude
        if ns < 0 { put(UInt8(ascii: "-")) }
        let whole = magnitude / 1_000_000_000
        magnitude %= 1_000_000_000
        appendUInt(whole)
        put(UInt8(ascii: "."))
        if magnitude % 1000 == 0 {
            appendUInt(magnitude / 1000, width: 6)
        } else {
            appendUInt(magnitude, width: 9)
        }
    }

    /// A real number rounded to 6 decimals, trailing zeros dropped (at least one decimal kept):
    /// `104.0`, `253.5`, `85.333333`. Never NaN or Infinity (written as 0). Written digit by
    /// digit, without the cost of a shortest-round-trip conversion.
    public func double(_ value: Double) {
        separate()
        guard value.isFinite else { return put(UInt8(ascii: "0")) }
        guard abs(value) < 9e12 else { return put(contentsOf: value.description.utf8) }
        let scaled = Int64((value * 1_000_000).rounded())
        if scaled < 0 { put(UInt8(ascii: "-")) }
        let magnitude = scaled.magnitude
        appendUInt(magnitude / 1_000_000)
        put(UInt8(ascii: "."))
        var fraction = magnitude % 1_000_000
        var width = 6
        while width > 1 && fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        appendUInt(fraction, width: width)
    }

    /// An empty field.
    public func empty() {
        separate()
    }

    @inline(__always)
    private func appendInt(_ value: Int) {
        if value < 0 { put(UInt8(ascii: "-")) }
        appendUInt(UInt64(value.magnitude))
    }

    private func appendUInt(_ value: UInt64, width: Int = 0) {
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        let n = max(digits, width)
        reserve(n)
        // In bounds: `reserve` made room for the n bytes at storage[count ..< count + n].
        var v = value
        var i = count + n - 1
        while i >= count {
            storage[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10)
            v /= 10
            i -= 1
        }
        count += n
    }
}
