/// Looking for given bytes eight at a time, in a 64-bit word (the text scanners and the CSV
/// quoting test share it).
enum ByteWords {
    /// The high bit of each byte of `word` equal to `byte` (`haszero` on `word ^ byte…byte`).
    /// Exact as a yes/no; of several flagged bytes the lowest is always a real match (a borrow
    /// can only flag bytes above a real one).
    @inline(__always)
    static func matches(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let x = word ^ (0x0101_0101_0101_0101 &* UInt64(byte))
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }
}
