// A bounds-checked reader over QUIC bytes: single bytes, big-endian integers and QUIC
// variable-length integers (RFC 9000 §16: the two high bits of the first byte give the
// length, 1, 2, 4 or 8 bytes; the value is the remaining 6, 14, 30 or 62 bits).
// Every read returns nil instead of reading past the end; nothing here traps on input.

/// Reads forward through `bytes`; `offset` is where the next read starts.
struct QUICByteCursor {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int

    init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    /// Bytes left after `offset`.
    var remaining: Int { bytes.count - offset }

    /// Whether every byte has been read.
    var isAtEnd: Bool { offset >= bytes.count }

    /// One byte, or nil at the end.
    mutating func readByte() -> UInt8? {
        guard offset < bytes.count else { return nil }
        let value = bytes[offset]
        offset += 1
        return value
    }

    /// A big-endian unsigned integer of `count` (≤ 8) bytes, or nil when fewer remain.
    mutating func readBigEndian(_ count: Int) -> UInt64? {
        guard count >= 0, count <= 8, count <= remaining else { return nil }
        var value: UInt64 = 0
        for index in offset..<(offset + count) { value = value << 8 | UInt64(bytes[index]) }
        offset += count
        return value
    }

    /// A QUIC variable-length integer (RFC 9000 §16), or nil when it is cut short.
    mutating func readVarint() -> UInt64? {
        guard offset < bytes.count else { return nil }
        let length = 1 << Int(bytes[offset] >> 6)
        guard length <= remaining else { return nil }
        var value = UInt64(bytes[offset] & 0x3F)
        for index in (offset + 1)..<(offset + length) { value = value << 8 | UInt64(bytes[index]) }
        offset += length
        return value
    }

    /// The next `count` bytes, or nil when fewer remain (a count from the wire is checked
    /// here against the bytes present, before any conversion to `Int`).
    mutating func readBytes(_ count: UInt64) -> UnsafeRawBufferPointer? {
        guard count <= UInt64(remaining) else { return nil }
        let length = Int(count)
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
        offset += length
        return slice
    }

    /// Skips `count` bytes; false (and no move) when fewer remain.
    mutating func skip(_ count: UInt64) -> Bool {
        guard count <= UInt64(remaining) else { return false }
        offset += Int(count)
        return true
    }
}
