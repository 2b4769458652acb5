/// Checksum verification for `--verify-checksums` (Zeek without `-C` drops packets whose
/// IP, TCP, UDP or ICMP checksum is wrong). Only called when that mode is on.
public enum Checksums {
    /// Whether the checksums of the innermost IP packet and its transport header are right.
    public static func valid(_ b: UnsafeRawBufferPointer, _ p: DecodedPacket) -> Bool {
        ipHeaderValid(b, p) && transportValid(b, p)
    }

    /// The IPv4 header checksum, checked whenever the header was captured (Zeek drops a packet
    /// whose IPv4 header checksum is wrong before any connection sees it). IPv6 has none.
    public static func ipHeaderValid(_ b: UnsafeRawBufferPointer, _ p: DecodedPacket) -> Bool {
        guard p.kind == .ip, p.ipVersion == 4 else { return true }
        let o = p.ipOffset
        let headerLength = Int(b.u8(o) & 0x0F) * 4
        guard o + headerLength <= b.count else { return true }
        return fold(sum(b, o, o + headerLength)) == 0xFFFF
    }

    /// The TCP, UDP, ICMP or ICMPv6 checksum, checked only when the whole packet was captured
    /// (else it counts as valid, as in Zeek).
    public static func transportValid(_ b: UnsafeRawBufferPointer, _ p: DecodedPacket) -> Bool {
        guard p.kind == .ip else { return true }
        let o = p.ipOffset
        let end = o + p.ipLength
        guard p.truncation == nil, end <= b.count else { return true }
        guard !p.isFragment, p.transportOffset >= 0 else { return true }
        let t = p.ipOffset + p.transportOffset
        let length = end - t
        switch IPProtocol(rawValue: p.ipProtocol) {
        case .tcp, .udp, .icmpv6:
            if p.ipProtocol == IPProtocol.udp.rawValue, length >= 8, b.be16(t + 6) == 0, p.ipVersion == 4 {
                return true  // UDP over IPv4 without a checksum
            }
            var total = sum(b, t, end)
            total += pseudoHeader(b, p, upperLength: length)
            return fold(total) == 0xFFFF
        case .icmp:
            return fold(sum(b, t, end)) == 0xFFFF
        default:
            return true
        }
    }

    private static func pseudoHeader(_ b: UnsafeRawBufferPointer, _ p: DecodedPacket, upperLength: Int) -> UInt64 {
        var total: UInt64 = 0
        for word in [p.source.high, p.source.low, p.destination.high, p.destination.low] where p.ipVersion == 6 {
            total += (word >> 48) + ((word >> 32) & 0xFFFF) + ((word >> 16) & 0xFFFF) + (word & 0xFFFF)
        }
        if p.ipVersion == 4 {
            for word in [p.source.low, p.destination.low] {
                total += ((word >> 16) & 0xFFFF) + (word & 0xFFFF)
            }
        }
        total += UInt64(p.ipProtocol) + UInt64(upperLength)
        return total
    }

    /// One's-complement sum of 16-bit big-endian words in `b[from..<to]` (odd byte padded).
    private static func sum(_ b: UnsafeRawBufferPointer, _ from: Int, _ to: Int) -> UInt64 {
        var total: UInt64 = 0
        var i = from
        while i + 1 < to {
            total += UInt64(b.be16(i))
            i += 2
        }
        if i < to { total += UInt64(b.u8(i)) << 8 }
        return total
    }

    private static func fold(_ value: UInt64) -> UInt16 {
        var v = value
        while v > 0xFFFF { v = (v & 0xFFFF) + (v >> 16) }
        return UInt16(v)
    }
}
