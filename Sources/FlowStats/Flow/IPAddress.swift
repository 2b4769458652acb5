#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address in 16 bytes (IPv4 as `::ffff:a.b.c.d`), stored as two
/// integers so that keys hash and compare cheaply and never allocate.
public struct IPAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public static let zero = IPAddress(high: 0, low: 0)

    /// An IPv4 address from its 32-bit value in host order.
    public init(ipv4 value: UInt32) {
        high = 0
        low = 0x0000_FFFF_0000_0000 | UInt64(value)
    }

    public var isIPv4: Bool { high == 0 && (low >> 32) == 0x0000_FFFF }

    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        a.high != b.high ? a.high < b.high : a.low < b.low
    }

    /// Parses dotted IPv4 or textual IPv6.
    public init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.init(ipv4: UInt32(bigEndian: v4.s_addr))
            return
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        self.init(high: bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) },
                  low: bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) })
    }

    /// Dotted quad for IPv4, RFC 5952 text for IPv6 (as ``writeText(to:)`` writes it).
    public var description: String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.maxTextLength) { buffer in
            let start = buffer.baseAddress!
            let end = writeText(to: start)  // at most maxTextLength bytes: within the buffer
            return String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
        }
    }
}

// MARK: - Text form

extension IPAddress {
    /// The longest text: `ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255` (45 bytes, and 1
    /// byte that writing may touch past the end; see ``writeDottedQuad(_:to:)``).
    static let maxTextLength = 46

    /// Writes the address's text at `start` (at most ``maxTextLength`` bytes) and returns the
    /// end: IPv4 (stored as `::ffff:a.b.c.d`) as a dotted quad, anything else as IPv6 text.
    @inline(__always)
    func writeText(to start: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        isIPv4 ? Self.writeDottedQuad(UInt32(truncatingIfNeeded: low), to: start) : writeIPv6Text(to: start)
    }

    /// `a.b.c.d` (at most 15 bytes, but the last octet's store may touch 1 more, so callers
    /// must have room for 16).
    @inline(__always)
    static func writeDottedQuad(_ value: UInt32, to start: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        let octets = Self.octets
        var p = start
        // Each octet's text and dot: 4 bytes stored, of which the text and dot take 2 ... 4.
        @inline(__always) func octet(_ byte: UInt32) {
            let entry = octets[Int(truncatingIfNeeded: byte & 0xFF)]
            UnsafeMutableRawPointer(p).storeBytes(of: UInt32(truncatingIfNeeded: entry), as: UInt32.self)
            p += Int(truncatingIfNeeded: entry >> 32)
        }
        octet(value >> 24)
        octet(value >> 16)
        octet(value >> 8)
        octet(value)
        return p - 1  // without the last dot
    }

    /// For each byte value 0 ... 255: its decimal text followed by a dot, in the low 32 bits
    /// (first character lowest), and that text's length (2 ... 4) in the high 32 bits.
    private static let octets: [UInt64] = (0..<256).map { value in
        var word: UInt64 = 0
        let length = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4) { buffer in
            let start = buffer.baseAddress!
            let end = ASCIIDigits.write(UInt64(value), at: start)  // at most 3 digits
            end.pointee = UInt8(ascii: ".")
            for i in 0...(end - start) { word |= UInt64(start[i]) << (8 * i) }
            return end - start + 1
        }
        return word | UInt64(length) << 32
    }

    /// The 16-bit group `i` (0 ... 7) of the address, in network order.
    @inline(__always)
    private func group(_ i: Int) -> UInt16 {
        let half = i < 4 ? high : low
        return UInt16(truncatingIfNeeded: half >> (48 &- 16 &* (i & 3)))
    }

    /// RFC 5952 text exactly as glibc's `inet_ntop(AF_INET6, …)` writes it (at most
    /// ``maxTextLength`` bytes): lower-case hex groups without leading zeros; the longest run
    /// of two or more zero groups (the first of equally long runs) written `::`; a single zero
    /// group written `0`; and, when the first six groups are zero (IPv4-compatible, the last
    /// two not both zero) or the first five are zero and the sixth is ffff (IPv4-mapped), the
    /// last 32 bits as a dotted quad: `::1.2.3.4`, `::ffff:1.2.3.4`.
    func writeIPv6Text(to start: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        // The longest run of zero groups, the first of equally long ones. Bit i of `runs` is
        // set when group i is zero; after each `runs &= runs >> 1` a set bit marks the start of
        // a run one group longer, so the last non-zero `runs` marks the longest runs.
        var runs = 0
        for i in 0..<8 where group(i) == 0 { runs |= 1 << i }
        var bestBase = -1
        var bestLength = 0
        while runs != 0 {
            bestLength += 1
            bestBase = runs.trailingZeroBitCount
            runs &= runs >> 1
        }
        if bestLength < 2 {
            bestBase = -1
            bestLength = 0
        }
        // Every write below is a ':' or one group (4 bytes stored, at most 4 kept): at most 8
        // groups and 7 colons (39 bytes kept, the last store ending by byte 39), or a dotted
        // quad after "::ffff:" (22 bytes): within maxTextLength.
        var p = start
        var i = 0
        while i < 8 {
            if i == bestBase {
                p.pointee = UInt8(ascii: ":")
                p += 1
                i += bestLength
                if i == 8 {  // a trailing run: "…::"
                    p.pointee = UInt8(ascii: ":")
                    p += 1
                }
                continue
            }
            if i != 0 {
                p.pointee = UInt8(ascii: ":")
                p += 1
            }
            if i == 6 && bestBase == 0 && (bestLength == 6 || (bestLength == 5 && group(5) == 0xFFFF)) {
                return Self.writeDottedQuad(UInt32(truncatingIfNeeded: low), to: p)
            }
            p = ASCIIDigits.write(hex: group(i), at: p)
            i += 1
        }
        return p
    }
}
