/// Numbers written as ASCII straight into memory, two decimal digits per step from a table of
/// pairs, without building a `String`. The CSV buffer and the address text use them.
///
/// Callers make room first: each function says how many bytes it writes at most.
enum ASCIIDigits {
    /// "00" "01" … "99": the two digits of every value below 100, at offset 2 × value.
    /// A `StaticString` lives in the binary's constant data: no allocation, no lazy global.
    @inline(__always)
    static var pairs: UnsafeRawPointer {
        UnsafeRawPointer(("00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899" as StaticString).utf8Start)
    }

    /// Writes the digit of `value` (0 ... 9) at `start`.
    @inline(__always)
    static func writeDigit(_ value: Int, at start: UnsafeMutablePointer<UInt8>) {
        start.pointee = UInt8(truncatingIfNeeded: value) &+ UInt8(ascii: "0")
    }

    /// Writes the two digits of `value` (0 ... 99) at `start`.
    @inline(__always)
    static func writePair(_ value: Int, at start: UnsafeMutablePointer<UInt8>) {
        // value < 100: the two bytes at 2 × value lie within the 200-byte table.
        let digits = pairs.loadUnaligned(fromByteOffset: value &* 2, as: UInt16.self)
        UnsafeMutableRawPointer(start).storeBytes(of: digits, as: UInt16.self)
    }

    /// Writes `value` (0 ... 9,999) as exactly four digits at `start`.
    @inline(__always)
    static func writeFour(_ value: Int, at start: UnsafeMutablePointer<UInt8>) {
        let high = value / 100
        writePair(high, at: start)
        writePair(value &- high &* 100, at: start + 2)
    }

    /// Writes `value` (0 ... 999,999) as exactly six digits at `start`.
    @inline(__always)
    static func writeSix(_ value: UInt64, at start: UnsafeMutablePointer<UInt8>) {
        let v = Int(truncatingIfNeeded: value)
        let high = v / 10_000
        writePair(high, at: start)
        writeFour(v &- high &* 10_000, at: start + 2)
    }

    /// Writes `value` (0 ... 999,999) in decimal at `start` (at most 6 bytes); returns the end.
    @inline(__always)
    static func writeShort(_ v: Int, at start: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        if v < 10 {
            writeDigit(v, at: start)
            return start + 1
        }
        if v < 100 {
            writePair(v, at: start)
            return start + 2
        }
        if v < 10_000 {
            let high = v / 100
            let low = v &- high &* 100
            if high < 10 {
                writeDigit(high, at: start)
                writePair(low, at: start + 1)
                return start + 3
            }
            writePair(high, at: start)
            writePair(low, at: start + 2)
            return start + 4
        }
        let high = v / 10_000
        let low = v &- high &* 10_000
        if high < 10 {
            writeDigit(high, at: start)
            writeFour(low, at: start + 1)
            return start + 5
        }
        writePair(high, at: start)
        writeFour(low, at: start + 2)
        return start + 6
    }

    /// Writes `value` in decimal at `start` (at most 20 bytes); returns the end.
    @inline(__always)
    static func write(_ value: UInt64, at start: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        // Most fields of a row are below 100 (flags, counts, 0/1 companions): those are written
        // in place; longer values by a call, which keeps every column writer that inlines this
        // small (no registers to save on its usual path).
        if value < 10 {
            writeDigit(Int(truncatingIfNeeded: value), at: start)
            return start + 1
        }
        if value < 100 {
            writePair(Int(truncatingIfNeeded: value), at: start)
            return start + 2
        }
        return writeLong(value, at: start)
    }

    /// ``write(_:at:)`` for values of 100 and more.
    @inline(never)
    static func writeLong(_ value: UInt64, at start: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        // Counters, ports and lengths are mostly short, epoch seconds have 10 digits: those
        // are written without counting digits first.
        if value < 1_000_000 {
            return writeShort(Int(truncatingIfNeeded: value), at: start)
        }
        if value < 10_000_000_000 {
            let high = value / 10_000  // 100 ... 999,999
            let end = writeShort(Int(truncatingIfNeeded: high), at: start)
            writeFour(Int(truncatingIfNeeded: value &- high &* 10_000), at: end)
            return end + 4
        }
        let end = start + count(value)
        write(value, width: end - start, endingAt: end)
        return end
    }

    /// How many decimal digits `value` has (1 for 0; at most 20).
    @inline(__always)
    static func count(_ value: UInt64) -> Int {
        var n = 1
        var rest = value
        while rest >= 10_000 {
            rest /= 10_000
            n &+= 4
        }
        if rest >= 100 {
            n &+= rest >= 1_000 ? 3 : 2
        } else if rest >= 10 {
            n &+= 1
        }
        return n
    }

    /// Writes the last `width` decimal digits of `value` (zero-padded on the left) into the
    /// `width` bytes just before `end`.
    @inline(__always)
    static func write(_ value: UInt64, width: Int, endingAt end: UnsafeMutablePointer<UInt8>) {
        var p = end
        var rest = value
        var left = width
        while left >= 2 {
            let quotient = rest / 100
            p -= 2  // p ..< p + 2 lies in the `width` bytes before `end`
            writePair(Int(truncatingIfNeeded: rest &- quotient &* 100), at: p)
            rest = quotient
            left &-= 2
        }
        if left == 1 {
            writeDigit(Int(truncatingIfNeeded: rest % 10), at: p - 1)
        }
    }

    /// Writes `value` (0 ... 999,999 millionths) as the decimals of a number: six digits
    /// without trailing zeros, or `0` when the value is 0 (at most 6 bytes). Returns the end.
    @inline(__always)
    static func writeDecimals(_ value: UInt64, at start: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        if value == 0 {
            start.pointee = UInt8(ascii: "0")
            return start + 1
        }
        writeSix(value, at: start)
        // Drop trailing zeros; the value is not 0, so a non-zero digit stays.
        var end = start + 6
        while (end - 1).pointee == UInt8(ascii: "0") { end -= 1 }
        return end
    }

    /// Writes `value` in lower-case hexadecimal without leading zeros at `start` and returns
    /// the end. Stores 4 bytes whatever the length (1 ... 4 digits), so callers must have room
    /// for 4 bytes at `start`.
    @inline(__always)
    static func write(hex value: UInt16, at start: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        let v = UInt32(value)
        // The four nibbles, most significant first, one per byte (first byte lowest) ...
        let nibbles = (v >> 12) | (v >> 8 & 0xF) << 8 | (v >> 4 & 0xF) << 16 | (v & 0xF) << 24
        // ... made ASCII all at once: '0' + nibble, and 'a' - '0' - 10 more for nibbles above 9
        // (adding 6 carries into bit 4 exactly for those).
        let letters = (nibbles &+ 0x0606_0606) >> 4 & 0x0101_0101
        let text = nibbles &+ 0x3030_3030 &+ letters &* 0x27
        let digits = value == 0 ? 1 : (19 &- value.leadingZeroBitCount) >> 2  // 1 ... 4
        // Drop the leading zero digits: shift them out of the low (first) bytes.
        UnsafeMutableRawPointer(start).storeBytes(of: text >> (32 &- 8 &* UInt32(digits)), as: UInt32.self)
        return start + digits
    }
}
