// Internal helpers for appending and reading fixed-width integers in a chosen byte order.

extension Array where Element == UInt8 {
    /// Appends `value` in network (big-endian) byte order.
    mutating func appendBE<T: FixedWidthInteger>(_ value: T) {
        append(value, bigEndian: true)
    }

    /// Appends `value` in little-endian byte order.
    mutating func appendLE<T: FixedWidthInteger>(_ value: T) {
        append(value, bigEndian: false)
    }

    /// Appends `value` in the given byte order.
    mutating func append<T: FixedWidthInteger>(_ value: T, bigEndian: Bool) {
        let size = T.bitWidth / 8
        for i in 0..<size {
            let shift = bigEndian ? (size - 1 - i) * 8 : i * 8
            append(UInt8(truncatingIfNeeded: value >> shift))
        }
    }

    /// Appends zero bytes until the count is a multiple of `alignment`.
    mutating func padZeros(toMultipleOf alignment: Int) {
        while count % alignment != 0 {
            append(0)
        }
    }

    /// Overwrites two bytes at `offset` with `value` in big-endian order.
    mutating func setBE16(_ value: UInt16, at offset: Int) {
        self[offset] = UInt8(value >> 8)
        self[offset + 1] = UInt8(value & 0xFF)
    }

    /// Reads a big-endian `UInt16` at `offset`.
    func readBE16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) << 8 | UInt16(self[offset + 1])
    }
}
