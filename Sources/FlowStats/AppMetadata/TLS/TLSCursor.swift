// A bounds-checked big-endian reader over a byte buffer, for the TLS parsers: every read
// checks the bytes left and returns nil rather than trapping, so hostile length fields can
// only make a parse fail. (Field layouts: RFC 8446 §3, "presentation language".)

/// Reads big-endian integers and length-prefixed slices from `bytes[offset..<end]`.
struct TLSCursor {
    /// The whole buffer; reads stay inside `offset..<end`.
    let bytes: UnsafeRawBufferPointer
    /// The next byte to read.
    private(set) var offset: Int
    /// One past the last byte this cursor may read.
    let end: Int

    /// A cursor over `bytes[start..<end]` (`end` defaults to the buffer's end; both clamped).
    init(_ bytes: UnsafeRawBufferPointer, from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        let stop = min(max(end ?? bytes.count, 0), bytes.count)
        self.end = stop
        self.offset = min(max(start, 0), stop)
    }

    /// Bytes left to read.
    var remaining: Int { end - offset }

    /// Whether everything has been read.
    var isAtEnd: Bool { offset >= end }

    /// One byte, or nil at the end.
    mutating func u8() -> UInt8? {
        guard remaining >= 1 else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// A big-endian 16-bit value, or nil when fewer than 2 bytes are left.
    mutating func u16() -> UInt16? {
        guard remaining >= 2 else { return nil }
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    /// A big-endian 24-bit value, or nil when fewer than 3 bytes are left.
    mutating func u24() -> Int? {
        guard remaining >= 3 else { return nil }
        defer { offset += 3 }
        return Int(bytes[offset]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
    }

    /// Skips `count` bytes; false (and no move) when fewer are left.
    mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, remaining >= count else { return false }
        offset += count
        return true
    }

    /// A cursor over the next `count` bytes, moving this one past them; nil when fewer are left.
    mutating func sub(_ count: Int) -> TLSCursor? {
        guard count >= 0, remaining >= count else { return nil }
        defer { offset += count }
        return TLSCursor(bytes, from: offset, to: offset + count)
    }

    /// A cursor over a vector with a 1-byte length prefix (`opaque x<0..2^8-1>`).
    mutating func vector8() -> TLSCursor? {
        let start = offset
        guard let length = u8(), let inner = sub(Int(length)) else { offset = start; return nil }
        return inner
    }

    /// A cursor over a vector with a 2-byte length prefix (`opaque x<0..2^16-1>`).
    mutating func vector16() -> TLSCursor? {
        let start = offset
        guard let length = u16(), let inner = sub(Int(length)) else { offset = start; return nil }
        return inner
    }

    /// The remaining bytes as an array (bounded by the buffer, never by a length field).
    func restBytes() -> [UInt8] {
        guard remaining > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
    }

    /// The remaining bytes read as big-endian 16-bit values (a trailing odd byte is ignored).
    func restU16s() -> [UInt16] {
        var copy = self
        var values: [UInt16] = []
        values.reserveCapacity(remaining / 2)
        while let value = copy.u16() { values.append(value) }
        return values
    }
}
