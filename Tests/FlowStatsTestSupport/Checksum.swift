// The Internet checksum (RFC 1071) and the TCP/UDP/ICMPv6 pseudo-header sums.

extension Build {
    /// The one's-complement Internet checksum (RFC 1071) of `bytes`, with an optional
    /// partial 32-bit sum (for example a pseudo-header sum from ``pseudoHeaderSum(src:dst:protocol:upperLayerLength:)``)
    /// folded in. An odd trailing byte is padded with a zero. The result is ready to store
    /// big-endian in a checksum field that was zero while summing.
    public static func internetChecksum(_ bytes: [UInt8], adding initial: UInt32 = 0) -> UInt16 {
        var sum = UInt64(initial)
        var i = 0
        while i + 1 < bytes.count {
            sum += UInt64(bytes[i]) << 8 | UInt64(bytes[i + 1])
            i += 2
        }
        if i < bytes.count {
            sum += UInt64(bytes[i]) << 8
        }
        while sum > 0xFFFF {
            sum = (sum & 0xFFFF) + (sum >> 16)
        }
        return ~UInt16(sum)
    }

    /// The unfolded 16-bit-word sum of the IPv4 (RFC 793/768) or IPv6 (RFC 8200 §8.1)
    /// pseudo-header. `src` and `dst` are 4- or 16-byte addresses; `upperLayerLength` is the
    /// length of the TCP/UDP/ICMPv6 message only (never extension headers).
    public static func pseudoHeaderSum(src: [UInt8], dst: [UInt8], protocol proto: UInt8, upperLayerLength: Int) -> UInt32 {
        precondition(src.count == dst.count && (src.count == 4 || src.count == 16), "pseudo-header addresses must both be IPv4 or both IPv6")
        var sum: UInt32 = 0
        for address in [src, dst] {
            var i = 0
            while i < address.count {
                sum += UInt32(address[i]) << 8 | UInt32(address[i + 1])
                i += 2
            }
        }
        sum += UInt32(proto)
        // IPv4 uses a 16-bit length, IPv6 a 32-bit one; summing both halves covers both.
        sum += UInt32(upperLayerLength & 0xFFFF)
        sum += UInt32((upperLayerLength >> 16) & 0xFFFF)
        return sum
    }

    /// Checksum for a TCP/UDP/ICMPv6 message given its textual pseudo-header addresses.
    static func transportChecksum(_ message: [UInt8], src: String, dst: String, protocol proto: UInt8) -> UInt16 {
        let s = address(src)
        let d = address(dst)
        return internetChecksum(message, adding: pseudoHeaderSum(src: s, dst: d, protocol: proto, upperLayerLength: message.count))
    }
}
