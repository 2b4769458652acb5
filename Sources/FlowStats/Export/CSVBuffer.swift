/// A growing byte buffer that formats CSV fields without `String(format:)` and without
/// per-field allocation. Fields are separated automatically within a row.
///
/// The bytes live in one manually grown allocation written through a pointer, so a digit or a
/// separator costs a store, not a generic `Array.append(contentsOf:)`. Each field first makes
/// room for the most bytes it can take (``beginField(reserving:)``), then writes through a
/// pointer without further checks. Used by one thread at a time (each file, and each worker,
/// has its own).
public final class CSVBuffer {
    // One thread at a time uses a buffer, so the runtime's exclusivity checks on these
    // class properties (a call into the runtime per access) are switched off.
    @exclusivity(unchecked) private var storage: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity: Int
    /// Where the next field goes. Each field is followed by its separator, a comma, at once:
    /// ``endRow()`` turns the last one into the line end. So a field costs no test of whether
    /// it is the first of its row, only a store of its comma.
    @exclusivity(unchecked) private var cursor: UnsafeMutablePointer<UInt8>
    /// Where the row being written starts: the first field's comma is after it.
    @exclusivity(unchecked) private var rowStart: UnsafeMutablePointer<UInt8>
    /// While rows are written (``OutputLayout/writeRows(_:file:to:)``): bytes kept free beyond
    /// every checked field, so that the fields of bounded size that follow it in the row need no
    /// check of their own (``RowBuffer``). 0 otherwise.
    @exclusivity(unchecked) var rowReserve = 0
    /// The most bytes one bounded field takes, its separator included: a number, a time, an
    /// address, a flow id (``RowBuffer``).
    static let boundedFieldBytes = 64

    /// `capacity`: the bytes to allocate at first. The default holds the rows written between
    /// two flushes (``FileProcessor`` flushes past 1 MB), so the buffer need not grow and copy.
    public init(capacity: Int = 1 << 21) {
        self.capacity = max(capacity, 256)
        storage = .allocate(capacity: self.capacity)
        cursor = storage
        rowStart = storage
    }

    deinit { storage.deallocate() }

    /// Bytes written so far: complete rows, and the fields of the row being written without
    /// the separator after its last field.
    public var count: Int { (cursor - storage) - (cursor == rowStart ? 0 : 1) }

    /// Calls `body` with the bytes written so far, in place.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage, count: count))
    }

    /// A copy of the bytes written so far.
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: storage, count: count)) }

    private func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        let used = cursor - storage
        let row = rowStart - storage
        bigger.update(from: storage, count: used)
        storage.deallocate()
        storage = bigger
        capacity = newCapacity
        cursor = bigger + used
        rowStart = bigger + row
    }

    // MARK: - Fields and rows

    /// Starts a field that takes at most `maxBytes`: makes room for it and its separator and
    /// returns where the field's bytes go. The caller writes at most `maxBytes` there and
    /// hands the end to ``endField(_:)``.
    @inline(__always)
    private func beginField(reserving maxBytes: Int) -> UnsafeMutablePointer<UInt8> {
        let needed = (cursor - storage) &+ maxBytes &+ 1 &+ rowReserve
        if needed > capacity { grow(needed) }
        return cursor  // in bounds: maxBytes + 1 bytes are free from here
    }

    /// Starts a field of at most ``boundedFieldBytes`` (separator included) without checking for
    /// room: the caller (``RowBuffer``) has it, from ``reserveRow(_:)`` or ``rowReserve``.
    @inline(__always)
    private func beginBoundedField() -> UnsafeMutablePointer<UInt8> {
        assert(capacity - (cursor - storage) >= Self.boundedFieldBytes, "a bounded field without room")
        return cursor
    }

    /// Makes room for `bytes` more (a row's bounded fields and its line end).
    @inline(__always)
    func reserveRow(_ bytes: Int) {
        let needed = (cursor - storage) &+ bytes
        if needed > capacity { grow(needed) }
    }

    /// Writes a field of at most `maxBytes`: `body` gets where the field's bytes go, writes
    /// them (it may store up to `maxBytes` bytes) and returns their end.
    @inline(__always)
    func writeField(maxBytes: Int, _ body: (UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8>) {
        endField(body(beginField(reserving: maxBytes)))
    }

    /// Ends the field begun by ``beginField(reserving:)`` at `end`: writes its separator.
    @inline(__always)
    private func endField(_ end: UnsafeMutablePointer<UInt8>) {
        end.pointee = UInt8(ascii: ",")  // in bounds: the field's room has a byte for it
        cursor = end + 1
    }

    /// Copies `bytes` as a field.
    @inline(__always)
    private func field(_ bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        let start = beginField(reserving: n)
        if n > 0 {
            Self.copy(bytes.baseAddress!, count: n, to: start)  // n bytes reserved at start
        }
        endField(start + n)
    }

    /// Copies `count` bytes from `source` to `target` (the regions do not overlap).
    @inline(__always)
    private static func copy(_ source: UnsafePointer<UInt8>, count: Int, to target: UnsafeMutablePointer<UInt8>) {
        // CSV fields are mostly a few bytes: two overlapping word moves cost less than a call
        // to memcpy. Every load and store below lies within the first `count` bytes.
        let from = UnsafeRawPointer(source)
        let to = UnsafeMutableRawPointer(target)
        if count >= 8 && count <= 16 {
            let head = from.loadUnaligned(as: UInt64.self)
            let tail = from.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: tail, toByteOffset: count &- 8, as: UInt64.self)
        } else if count >= 4 && count < 8 {
            let head = from.loadUnaligned(as: UInt32.self)
            let tail = from.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: count &- 4, as: UInt32.self)
        } else if count < 4 {
            var i = 0
            while i < count {
                target[i] = source[i]
                i &+= 1
            }
        } else {
            target.update(from: source, count: count)
        }
    }

    /// Ends the row: its last separator becomes the line end (a row without fields is an
    /// empty line).
    public func endRow() {
        if cursor == rowStart {
            let needed = (cursor - storage) &+ 1
            if needed > capacity { grow(needed) }
            cursor.pointee = UInt8(ascii: "\n")  // in bounds: room made above
            cursor += 1
        } else {
            (cursor - 1).pointee = UInt8(ascii: "\n")
        }
        rowStart = cursor
    }

    public func removeAll() {
        cursor = storage
        rowStart = storage
    }

    // MARK: - Text

    /// Bytes prepared once (a per-file field, already quoted): copied as a field.
    @inline(__always)
    public func prepared(_ field: [UInt8]) {
        field.withUnsafeBufferPointer { self.field($0) }
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
        if s.isEmpty { return empty() }
        withUTF8(s) { appendQuoted($0) }
    }

    /// A field that comes from a file name or other user data. Besides RFC 4180 quoting, a
    /// value that a spreadsheet would run as a formula (first character `=`, `+`, `-`, `@`,
    /// tab or carriage return) is prefixed with `'`, the usual neutralisation (OWASP).
    public func userText(_ s: String) {
        if s.isEmpty { return empty() }
        withUTF8(s) { userText(bytes: $0) }
    }

    /// ``userText(_:)`` for UTF-8 bytes.
    public func userText(bytes: UnsafeBufferPointer<UInt8>) {
        guard let first = bytes.first else { return empty() }
        if Self.startsFormula(first) {
            var guarded: [UInt8] = [UInt8(ascii: "'")]
            guarded.append(contentsOf: bytes)
            guarded.withUnsafeBufferPointer { appendQuoted($0) }
        } else {
            appendQuoted(bytes)
        }
    }

    /// `=`, `+`, `-`, `@`, tab or carriage return: a spreadsheet would run the cell as a formula.
    @inline(__always)
    private static func startsFormula(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: return true
        default: return false
        }
    }

    /// `bytes` as a field, in double quotes (inner quotes doubled) when they hold a comma, a
    /// quote or a line break.
    private func appendQuoted(_ bytes: UnsafeBufferPointer<UInt8>) {
        if !Self.needsQuotes(bytes) { return field(bytes) }
        // At most every byte doubled, and the two quotes.
        let start = beginField(reserving: 2 &* bytes.count &+ 2)
        var p = start
        p.pointee = UInt8(ascii: "\"")
        p += 1
        for c in bytes {
            if c == UInt8(ascii: "\"") {
                p.pointee = c
                p += 1
            }
            p.pointee = c
            p += 1
        }
        p.pointee = UInt8(ascii: "\"")
        endField(p + 1)
    }

    /// Whether `bytes` hold a comma, a quote, a CR or an LF; eight bytes at a time (``ByteWords``).
    @inline(__always)
    private static func needsQuotes(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let n = bytes.count
        var index = 0
        while index + 8 <= n {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            let found = ByteWords.matches(word, UInt8(ascii: ",")) | ByteWords.matches(word, UInt8(ascii: "\""))
                | ByteWords.matches(word, 0x0A) | ByteWords.matches(word, 0x0D)
            if found != 0 { return true }
            index &+= 8
        }
        while index < n {
            let c = base[index]
            if c == UInt8(ascii: ",") || c == UInt8(ascii: "\"") || c == 0x0A || c == 0x0D { return true }
            index &+= 1
        }
        return false
    }

    /// Text known to need no quoting (protocol keywords, states, letters): copied as is.
    @inline(__always)
    public func plain(_ s: StaticString) {
        s.withUTF8Buffer { field($0) }
    }

    /// ASCII bytes known to need no quoting (Zeek's history letters), copied as is.
    @inline(__always)
    public func plain(bytes: UnsafeRawBufferPointer) {
        field(UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count))
    }

    /// Text known to need no quoting (e.g. a very large number's `description`).
    public func plain(_ s: String) {
        if s.isEmpty { return empty() }
        withUTF8(s) { field($0) }
    }

    /// Calls `body` with the UTF-8 bytes of `s`. Reading them in place, as here, costs less
    /// than `String.withUTF8`, which needs a mutable copy of the string (a retain and a release).
    @inline(__always)
    private func withUTF8(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        if s.utf8.withContiguousStorageIfAvailable(body) == nil {
            var s = s  // not contiguous UTF-8 (a bridged string): made contiguous here
            s.withUTF8(body)
        }
    }

    /// An empty field.
    @inline(__always)
    public func empty() {
        endField(beginField(reserving: 0))
    }

    // MARK: - Numbers and addresses

    /// An address: IPv4 as a dotted quad, IPv6 as RFC 5952 text (``IPAddress/description``).
    @inline(__always)
    public func address(_ a: IPAddress) {
        let start = beginField(reserving: IPAddress.maxTextLength)
        endField(a.writeText(to: start))  // at most maxTextLength bytes
    }

    @inline(__always)
    public func int(_ value: Int) {
        endField(Self.write(int: value, at: beginField(reserving: 20)))  // "-9223372036854775808"
    }

    @inline(__always)
    private static func write(int value: Int, at start: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var p = start
        if value < 0 {
            p.pointee = UInt8(ascii: "-")
            p += 1
        }
        return ASCIIDigits.write(UInt64(value.magnitude), at: p)
    }

    /// A time or duration given in nanoseconds, written in seconds with 6 decimals, or 9
    /// when the value has sub-microsecond digits: exact, never rounded.
    @inline(__always)
    public func seconds(_ ns: Int64) {
        // Sign, at most 10 digits of seconds (Int64.max ns ≈ 9.2e9 s), point, 9 decimals.
        endField(Self.write(seconds: ns, at: beginField(reserving: 21)))
    }

    @inline(__always)
    private static func write(seconds ns: Int64, at start: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var p = start
        if ns < 0 {
            p.pointee = UInt8(ascii: "-")
            p += 1
        }
        let magnitude = ns.magnitude
        let whole = magnitude / 1_000_000_000
        let fraction = magnitude &- whole &* 1_000_000_000
        p = ASCIIDigits.write(whole, at: p)
        p.pointee = UInt8(ascii: ".")
        let microseconds = fraction / 1000
        let nanoseconds = Int(truncatingIfNeeded: fraction &- microseconds &* 1000)
        ASCIIDigits.writeSix(microseconds, at: p + 1)
        if nanoseconds == 0 { return p + 7 }
        let hundreds = nanoseconds / 100
        ASCIIDigits.writeDigit(hundreds, at: p + 7)
        ASCIIDigits.writePair(nanoseconds &- hundreds &* 100, at: p + 8)
        return p + 10
    }

    /// A real number rounded to 6 decimals, trailing zeros dropped (at least one decimal kept):
    /// `104.0`, `253.5`, `85.333333`. Never NaN or Infinity (written as 0). Written digit by
    /// digit, without the cost of a shortest-round-trip conversion.
    @inline(__always)
    public func double(_ value: Double) {
        guard value.isFinite, abs(value) < 9e12 else { return unusualDouble(value) }
        // Sign, at most 13 digits before the point (|value| < 9e12), point, 6 decimals.
        endField(Self.write(double: value, at: beginField(reserving: 21)))
    }

    /// A value ``double(_:)`` does not write digit by digit: NaN and infinities as 0, and
    /// |value| ≥ 9e12 as its shortest round-trip text.
    @inline(never)
    fileprivate func unusualDouble(_ value: Double) {
        if !value.isFinite { plain("0") } else { plain(value.description) }
    }

    /// Writes a finite `value` with |value| < 9e12 (at most 21 bytes) at `start`; returns the end.
    @inline(__always)
    private static func write(double value: Double, at start: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var p = start
        if value == 0 {  // common (statistics of one packet); -0.0 is written 0.0 as well
            UnsafeMutableRawPointer(p).storeBytes(of: 0x30_2E_30, as: UInt32.self)  // "0.0", 1 spare byte
            return p + 3
        }
        // The exact value of |value| rounded to 6 decimals, half away from zero. The whole
        // part is split off first: both the truncation and the subtraction are exact, so only
        // the fraction (< 1) is scaled. (Scaling the whole value loses the sixth decimal from
        // |value| ≈ 2³³ on: 8999999999999.5 came out 8999999999999.500288.) The product with
        // 10⁶ is rounded to nearest, so it can land on a half (k + 0.5) only from just below
        // or above: then the product's exact error (a fused multiply-add, on that rare path
        // only) tells which. 0.0000005 is really 4.99999999999999977e-7: 0.0, not 0.000001.
        // Signed conversions (one instruction each way on x86-64; the unsigned ones are several).
        let magnitude = abs(value)  // < 9e12 < 2⁶³
        var whole = Int64(magnitude)
        let part = magnitude - Double(whole)
        if part == 0 {  // a whole number (lengths, their minima and maxima): no decimals to round
            if value < 0 {
                p.pointee = UInt8(ascii: "-")
                p += 1
            }
            p = ASCIIDigits.write(UInt64(bitPattern: whole), at: p)
            UnsafeMutableRawPointer(p).storeBytes(of: 0x30_2E, as: UInt16.self)  // ".0"
            return p + 2
        }
        let scaled = part * 1_000_000
        var fraction = Int64(scaled)
        let remainder = scaled - Double(fraction)  // exact
        if remainder > 0.5 || (remainder == 0.5 && (-scaled).addingProduct(part, 1_000_000) >= 0) {
            fraction &+= 1
        }
        if fraction == 1_000_000 {
            whole &+= 1
            fraction = 0
        }
        if value < 0 && (whole != 0 || fraction != 0) {  // what rounds to 0 is written 0.0
            p.pointee = UInt8(ascii: "-")
            p += 1
        }
        p = ASCIIDigits.write(UInt64(bitPattern: whole), at: p)
        p.pointee = UInt8(ascii: ".")
        return ASCIIDigits.writeDecimals(UInt64(bitPattern: fraction), at: p + 1)
    }

    /// A flow's id as ``FlowUID/text(_:)`` writes it: `C` and the value in base 62.
    @inline(__always)
    public func flowID(_ uid: UInt64) {
        endField(FlowUID.write(uid, at: beginField(reserving: FlowUID.maxTextLength)))
    }

    // MARK: - Bounded fields of a row (RowBuffer): no check for room

    @inline(__always) fileprivate func boundedAddress(_ a: IPAddress) { endField(a.writeText(to: beginBoundedField())) }
    @inline(__always) fileprivate func boundedInt(_ value: Int) { endField(Self.write(int: value, at: beginBoundedField())) }
    @inline(__always) fileprivate func boundedSeconds(_ ns: Int64) { endField(Self.write(seconds: ns, at: beginBoundedField())) }
    @inline(__always) fileprivate func boundedDouble(_ value: Double) {
        guard value.isFinite, abs(value) < 9e12 else { return unusualDouble(value) }
        endField(Self.write(double: value, at: beginBoundedField()))
    }
    @inline(__always) fileprivate func boundedFlowID(_ uid: UInt64) { endField(FlowUID.write(uid, at: beginBoundedField())) }
    @inline(__always) fileprivate func boundedEmpty() { endField(beginBoundedField()) }
}

/// The output as a column's writer sees it (``Column/Writer``): the same methods as
/// ``CSVBuffer``, but the fields of bounded size (numbers, times, addresses, flow ids, empty
/// fields; at most ``CSVBuffer/boundedFieldBytes`` each) are written without a check for room,
/// so most column writers make no call at all. The room is made once per row
/// (``CSVBuffer/reserveRow(_:)``, ``RowWriter``) and kept by every field of unbounded size
/// (``CSVBuffer/rowReserve``).
struct RowBuffer {
    let out: CSVBuffer

    @inline(__always) func int(_ value: Int) { out.boundedInt(value) }
    @inline(__always) func seconds(_ ns: Int64) { out.boundedSeconds(ns) }
    @inline(__always) func double(_ value: Double) { out.boundedDouble(value) }
    @inline(__always) func address(_ a: IPAddress) { out.boundedAddress(a) }
    @inline(__always) func flowID(_ uid: UInt64) { out.boundedFlowID(uid) }
    @inline(__always) func empty() { out.boundedEmpty() }

    // Unbounded: checked, keeping the row's reserve.
    @inline(__always) func text(_ s: String) { out.text(s) }
    @inline(__always) func userText(_ s: String) { out.userText(s) }
    @inline(__always) func userText(bytes: UnsafeBufferPointer<UInt8>) { out.userText(bytes: bytes) }
    @inline(__always) func plain(_ s: StaticString) { out.plain(s) }
    @inline(__always) func plain(_ s: String) { out.plain(s) }
    @inline(__always) func plain(bytes: UnsafeRawBufferPointer) { out.plain(bytes: bytes) }
    @inline(__always) func prepared(_ field: [UInt8]) { out.prepared(field) }
    @inline(__always) func protocolName(_ names: ProtocolNames, _ number: UInt8) { out.protocolName(names, number) }
    @inline(__always) func cicFlowID(_ flow: borrowing FlowRecord) { out.cicFlowID(flow) }
    @inline(__always) func cicTimestamp(_ ns: Int64) { out.cicTimestamp(ns) }
}
