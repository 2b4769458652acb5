extension PacketDecoder {
    static func decodeIPv4(_ b: UnsafeRawBufferPointer, at o: Int, into p: inout DecodedPacket) {
        guard b.count >= o + 20 else {
            return linkTruncated(&p, need: 20, have: b.count, at: o, layer: .ipv4)
        }
        // In bounds: the 20-byte fixed header fits.
        let versionIHL = b.u8(o)
        guard versionIHL >> 4 == 4 else { return malformed(&p, .ipv4Version(versionIHL >> 4)) }
        let headerLength = Int(versionIHL & 0x0F) * 4
        // NFStream takes any header length (`packet_get_ip_info` checks only that it was captured).
        guard headerLength >= 20 || p.options.rules == .nfstream else {
            return malformed(&p, .ipv4HeaderLength(headerLength))
        }
        var totalLength = Int(b.be16(o + 2))
        let captured = b.count - o
        // Total length 0 happens with TCP segmentation offload: use what was captured.
        // (NFStream ignores such packets: below, as a total length under the header length.)
        if totalLength == 0 && p.options.rules != .nfstream { totalLength = captured }
        guard totalLength >= headerLength else {
            return malformed(&p, .ipv4TotalLength(totalLength, headerLength: headerLength))
        }
        let flagsOffset = b.be16(o + 6)
        p.kind = .ip
        p.ipVersion = 4
        p.ipOffset = o
        p.ipLength = totalLength
        p.fixedIPHeaderLength = headerLength
        p.ttl = b.u8(o + 8)
        p.fragmentID = UInt32(b.be16(o + 4))
        p.ipProtocol = b.u8(o + 9)
        p.source = IPAddress(ipv4: b.be32(o + 12))
        p.destination = IPAddress(ipv4: b.be32(o + 16))
        p.moreFragments = flagsOffset & 0x2000 != 0
        p.fragmentOffset = Int(flagsOffset & 0x1FFF) * 8
        p.isFragment = p.moreFragments || p.fragmentOffset != 0
        p.ipCapturedLength = min(totalLength, captured)
        if captured < totalLength {
            truncated(&p, .ipv4, at: o, need: totalLength, have: captured)
        }
        guard captured >= headerLength else { return }  // options cut off: no transport
        if p.fragmentOffset != 0 { return }  // non-first fragment: no transport header
        // Clip Ethernet padding: the packet ends at its total length.
        let end = o + min(totalLength, captured)
        decodeTransport(b, from: o + headerLength, to: end, transportLength: totalLength - headerLength, into: &p)
    }

    static func decodeIPv6(_ b: UnsafeRawBufferPointer, at o: Int, into p: inout DecodedPacket) {
        guard b.count >= o + 40 else {
            return linkTruncated(&p, need: 40, have: b.count, at: o, layer: .ipv6)
        }
        // In bounds: the 40-byte fixed header fits.
        let version = b.u8(o) >> 4
        guard version == 6 else { return malformed(&p, .ipv6Version(version)) }
        let captured = b.count - o
        var payloadLength = Int(b.be16(o + 4))
        if payloadLength == 0 { payloadLength = captured - 40 }  // jumbogram or offload
        if p.options.rules == .nfstream && captured < 40 + payloadLength {
            // NFStream ignores an IPv6 packet the capture cut.
            return linkTruncated(&p, need: 40 + payloadLength, have: b.count, at: o, layer: .ipv6)
        }
        p.kind = .ip
        p.ipVersion = 6
        p.ipOffset = o
        p.ipLength = 40 + payloadLength
        p.fixedIPHeaderLength = 40
        p.ttl = b.u8(o + 7)
        p.source = IPAddress(high: b.be64(o + 8), low: b.be64(o + 16))
        p.destination = IPAddress(high: b.be64(o + 24), low: b.be64(o + 32))
        p.ipCapturedLength = min(p.ipLength, captured)
        if captured < p.ipLength {
            truncated(&p, .ipv6, at: o, need: p.ipLength, have: captured)
        }
        let end = o + min(p.ipLength, captured)
        var next = b.u8(o + 6)
        var offset = o + 40
        for _ in 0..<maxNesting {
            switch IPProtocol(rawValue: next) {
            case .hopByHop, .routing, .destinationOptions, IPProtocol(rawValue: 135), IPProtocol(rawValue: 139), IPProtocol(rawValue: 140):
                guard end >= offset + 2 else { return extensionCut(&p, next, at: offset, end: end, need: 2) }
                let length = (Int(b.u8(offset + 1)) + 1) * 8
                guard end >= offset + length else { return extensionCut(&p, next, at: offset, end: end, need: length) }
                if next == IPProtocol.routing.rawValue {
                    finalDestination(b, routingHeaderAt: offset, length: length, into: &p)
                }
                next = b.u8(offset)
                offset += length
            case .ah:
                guard end >= offset + 2 else { return extensionCut(&p, next, at: offset, end: end, need: 2) }
                let length = (Int(b.u8(offset + 1)) + 2) * 4
                guard end >= offset + length else { return extensionCut(&p, next, at: offset, end: end, need: length) }
                next = b.u8(offset)
                offset += length
            case .fragment:
                guard end >= offset + 8 else { return extensionCut(&p, next, at: offset, end: end, need: 8) }
                let field = b.be16(offset + 2)
                p.isFragment = true
                p.fragmentHeaderOffset = offset - o
                p.fragmentOffset = Int(field & 0xFFF8)
                p.moreFragments = field & 1 != 0
                p.fragmentID = b.be32(offset + 4)
                next = b.u8(offset)
                offset += 8
                if p.fragmentOffset != 0 {
                    p.ipProtocol = next
                    return
                }
                // An atomic fragment (offset 0, no more) is a whole datagram.
                if !p.moreFragments { p.isFragment = false }
            default:
                p.ipProtocol = next
                let transportLength = p.ipLength - (offset - o)
                return decodeTransport(b, from: offset, to: end, transportLength: transportLength, into: &p)
            }
        }
        malformed(&p, .tooManyIPv6ExtensionHeaders)
    }

    /// An IPv6 extension header that does not fit: the packet keeps its addresses and is
    /// keyed under the extension header's own protocol number.
    private static func extensionCut(_ p: inout DecodedPacket, _ next: UInt8, at offset: Int, end: Int, need: Int) {
        p.ipProtocol = next
        truncated(&p, .ipv6Extension, at: offset, need: need, have: end - offset)
    }

    /// A type 0 or type 2 Routing header with segments left names the packet's final
    /// destination as its last address; the Destination field holds only the next hop. The
    /// flow, and the transport checksum's pseudo-header, use the final destination (as Zeek,
    /// tshark and tcpdump do). In bounds: the whole header (`length` bytes) was checked.
    private static func finalDestination(_ b: UnsafeRawBufferPointer, routingHeaderAt offset: Int, length: Int,
                                         into p: inout DecodedPacket) {
        let type = b.u8(offset + 2)
        let segmentsLeft = b.u8(offset + 3)
        guard segmentsLeft > 0, type == 0 || type == 2 else { return }
        let addresses = (length - 8) / 16
        guard addresses > 0 else { return }
        let last = offset + 8 + (addresses - 1) * 16
        p.destination = IPAddress(high: b.be64(last), low: b.be64(last + 8))
    }
}
