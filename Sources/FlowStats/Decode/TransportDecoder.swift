extension PacketDecoder {
    /// Decodes the transport header in `b[start..<end]` (`end` already clipped to the IP
    /// length). `transportLength` is the length the IP header claims for it, so payload
    /// lengths stay right for packets cut short by the snap length.
    @inline(__always)  // once per packet, from the IPv4 and IPv6 decoders
    static func decodeTransport(_ b: UnsafeRawBufferPointer, from start: Int, to end: Int, transportLength: Int,
                                into p: inout DecodedPacket) {
        let available = end - start
        p.transportOffset = start - p.ipOffset
        if transportLength < 20, p.options.rules == .nfstream, !nfstreamHasPorts(p.ipProtocol, transportLength: transportLength) {
            // NFStream reads no transport header the IP length cannot hold: ports 0.
            p.payloadLength = transportLength
            return
        }
        switch IPProtocol(rawValue: p.ipProtocol) {
        case .tcp:
            guard available >= 4 else { return truncated(&p, .tcp, at: start, need: 20, have: available) }
            p.hasPorts = true
            p.sourcePort = b.be16(start)
            p.destinationPort = b.be16(start + 2)
            guard available >= 20 else { return truncated(&p, .tcp, at: start, need: 20, have: available) }
            // In bounds: the 20-byte fixed TCP header fits.
            p.hasTCPHeader = true
            p.sequence = b.be32(start + 4)
            p.acknowledgment = b.be32(start + 8)
            let dataOffset = Int(b.u8(start + 12) >> 4) * 4
            p.tcpHeaderLength = dataOffset
            // Zeek's `len` is the IP payload, `remaining` the bytes captured from the TCP header
            // on; Ethernet padding (clipped from `available`) adds to it only when the whole IP
            // packet was captured, where `transportLength` decides.
            p.tcpHeaderUsable = dataOffset >= 20 && dataOffset <= transportLength && dataOffset <= available
            p.tcpFlags = b.u8(start + 13)
            p.window = b.be16(start + 14)
            p.payloadLength = max(0, transportLength - max(dataOffset, 20))
            if p.options.details && p.tcpFlags & TCPFlag.syn != 0 && dataOffset > 20 {
                readSYNOptions(b, from: start + 20, to: start + min(dataOffset, available), into: &p)
            }
            if dataOffset > available {
                truncated(&p, .tcp, at: start, need: dataOffset, have: available)
            }
        case .udp:
            guard available >= 4 else { return truncated(&p, .udp, at: start, need: 8, have: available) }
            p.hasPorts = true
            p.sourcePort = b.be16(start)
            p.destinationPort = b.be16(start + 2)
            p.payloadLength = max(0, transportLength - 8)
            if available >= 6 { p.udpLength = Int(b.be16(start + 4)) }
            if available < 8 { truncated(&p, .udp, at: start, need: 8, have: available) }
        case .icmp, .icmpv6:
            let layer: Layer = p.ipProtocol == IPProtocol.icmp.rawValue ? .icmp : .icmpv6
            guard available >= 2 else { return truncated(&p, layer, at: start, need: 8, have: available) }
            p.icmpType = b.u8(start)
            p.icmpCode = b.u8(start + 1)
            p.hasPorts = true
            p.sourcePort = UInt16(p.icmpType)
            p.destinationPort = UInt16(layer == .icmp
                ? ICMPPorts.counterpartV4(type: p.icmpType, code: p.icmpCode)
                : ICMPPorts.counterpartV6(type: p.icmpType, code: p.icmpCode))
            p.payloadLength = max(0, transportLength - 8)
            if p.options.rules == .nfstream {
                // NFStream: no ICMP "ports", all ICMP between two hosts is one flow.
                p.sourcePort = 0
                p.destinationPort = 0
            }
            if available < 8 { truncated(&p, layer, at: start, need: 8, have: available) }
        default:
            // Other protocols (SCTP, GRE, ESP, …) are flows with ports 0, as in Zeek.
            p.payloadLength = transportLength
        }
    }

    /// Reads the MSS and window scale options of a SYN from the option bytes `b[start..<end]`
    /// (`end` within the captured bytes). Stops at End of Options, at an option whose length
    /// is below 2 or runs past `end`; a malformed option leaves the later ones unread.
    static func readSYNOptions(_ b: UnsafeRawBufferPointer, from start: Int, to end: Int, into p: inout DecodedPacket) {
        var i = start
        while i < end {
            let kind = b.u8(i)
            if kind == 0 { return }       // End of Options
            if kind == 1 { i += 1; continue }  // No-Operation
            guard i + 1 < end else { return }
            let length = Int(b.u8(i + 1))
            guard length >= 2, i + length <= end else { return }
            // In bounds: the option's `length` bytes end at or before `end`.
            if kind == 2 && length == 4 { p.tcpMSS = b.be16(i + 2) }
            if kind == 3 && length == 3 { p.tcpWindowScale = b.u8(i + 2); p.hasWindowScale = true }
            i += length
        }
    }
}

extension PacketDecoder {
    /// NFStream's `packet_get_ip_info` reads TCP and UDP headers only when the IP length
    /// (not the captured bytes) holds them whole.
    @inline(__always)
    static func nfstreamHasPorts(_ ipProtocol: UInt8, transportLength: Int) -> Bool {
        switch IPProtocol(rawValue: ipProtocol) {
        case .tcp: transportLength >= 20
        case .udp: transportLength >= 8
        default: true
        }
    }
}

/// ICMP "ports", as Zeek assigns them: the source port is the message type and the
/// destination port is the type of the matching reply/request, so that a request and
/// its reply fall into one flow. Messages without a counterpart use their code.
public enum ICMPPorts {
    public static func counterpartV4(type: UInt8, code: UInt8) -> UInt8 {
        switch type {
        case 8: 0          // echo request → echo reply
        case 0: 8
        case 13: 14        // timestamp
        case 14: 13
        case 15: 16        // information
        case 16: 15
        case 10: 9         // router solicitation / advertisement
        case 9: 10
        case 17: 18        // address mask
        case 18: 17
        default: code
        }
    }

    public static func counterpartV6(type: UInt8, code: UInt8) -> UInt8 {
        switch type {
        case 128: 129      // echo request → echo reply
        case 129: 128
        case 133: 134      // router solicitation / advertisement
        case 134: 133
        case 135: 136      // neighbor solicitation / advertisement
        case 136: 135
        case 130: 131      // multicast listener query / report
        case 131: 130
        case 139: 140      // node information query / reply
        case 140: 139
        case 144: 145      // home agent address discovery
        case 145: 144
        default: code
        }
    }
}
