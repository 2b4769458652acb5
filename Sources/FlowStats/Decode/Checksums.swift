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
        guard !p.isFragment, let t = transportOffset(b, p, end: end) else { return true }
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

    /// Where the transport header starts: after the IPv4 header, or after the IPv6
    /// extension-header chain (walked again here; this runs only when verifying).
    private static func transportOffset(_ b: UnsafeRawBufferPointer, _ p: DecodedPacket, end: Int) -> Int? {
        let o = p.ipOffset
        if p.ipVersion == 4 { return o + Int(b.u8(o) & 0x0F) * 4 }
        var next = b.u8(o + 6)
        var offset = o + 40
        for _ in 0..<PacketDecoder.maxNesting {
            if next == p.ipProtocol && [6, 17, 58].contains(next) { return offset }
            guard offset + 2 <= end else { return nil }
            let headerNext = b.u8(offset)
            switch next {
            case 0, 43, 60, 135, 139, 140: offset += (Int(b.u8(offset + 1)) + 1) * 8
            case 51: offset += (Int(b.u8(offset + 1)) + 2) * 4
            default: return nil
            }
            next = headerNext
        }
        return nil
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
