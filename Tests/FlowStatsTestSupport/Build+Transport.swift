// TCP, UDP and ICMP/ICMPv6 messages, alone or wrapped in a whole IP packet.

extension Build {
    /// IP protocol number of ICMP.
    public static let protocolICMP: UInt8 = 1
    /// IP protocol number of TCP.
    public static let protocolTCP: UInt8 = 6
    /// IP protocol number of UDP.
    public static let protocolUDP: UInt8 = 17
    /// IP protocol number (next header) of ICMPv6.
    public static let protocolICMPv6: UInt8 = 58

    /// A whole IPv4 or IPv6 packet carrying a TCP segment with valid IP and TCP checksums.
    /// `ipID` is ignored for IPv6; `ttl` is the hop limit there.
    public static func tcp(_ src: String, _ sport: UInt16, _ dst: String, _ dport: UInt16,
                           flags: TCPFlags, seq: UInt32 = 0, ack: UInt32 = 0, window: UInt16 = 65535,
                           payload: [UInt8] = [], options: [UInt8] = [], ipID: UInt16 = 1, ttl: UInt8 = 64) -> [UInt8] {
        let segment = tcpHeader(sport: sport, dport: dport, flags: flags, seq: seq, ack: ack, window: window,
                                payload: payload, options: options, pseudoSrc: src, pseudoDst: dst)
        return ip(src, dst, protocol: protocolTCP, payload: segment, id: ipID, ttl: ttl)
    }

    /// A whole IPv4 or IPv6 packet carrying a UDP datagram with valid checksums.
    /// `ipID` is ignored for IPv6.
    public static func udp(_ src: String, _ sport: UInt16, _ dst: String, _ dport: UInt16,
                           payload: [UInt8] = [], ipID: UInt16 = 1) -> [UInt8] {
        let datagram = udpHeader(sport: sport, dport: dport, payload: payload, pseudoSrc: src, pseudoDst: dst)
        return ip(src, dst, protocol: protocolUDP, payload: datagram, id: ipID, ttl: 64)
    }

    /// A whole packet carrying ICMP (IPv4 addresses) or ICMPv6 (IPv6 addresses, checksum
    /// over the pseudo-header): type, code, checksum, then `identifier` and `sequence`
    /// (the 4 bytes after the checksum), then `payload`.
    public static func icmp(_ src: String, _ dst: String, type: UInt8, code: UInt8 = 0,
                            identifier: UInt16 = 0, sequence: UInt16 = 0, payload: [UInt8] = []) -> [UInt8] {
        var message: [UInt8] = [type, code, 0, 0]
        message.appendBE(identifier)
        message.appendBE(sequence)
        message += payload
        if isIPv6(src) {
            message.setBE16(transportChecksum(message, src: src, dst: dst, protocol: protocolICMPv6), at: 2)
            return ipv6(src: src, dst: dst, nextHeader: protocolICMPv6, payload: message)
        }
        message.setBE16(internetChecksum(message), at: 2)
        return ipv4(src: src, dst: dst, protocol: protocolICMP, payload: message)
    }

    /// A TCP segment: header (data offset set, `options` zero-padded to a multiple of 4)
    /// followed by `payload`. The checksum is computed over the pseudo-header when both
    /// `pseudoSrc` and `pseudoDst` are given, else left 0. Urgent pointer is 0.
    /// The pseudo-header length is the segment length only; for IPv6 with a Routing header
    /// whose segments-left is non-zero, pass the final destination as `pseudoDst`.
    public static func tcpHeader(sport: UInt16, dport: UInt16, flags: TCPFlags, seq: UInt32 = 0, ack: UInt32 = 0,
                                 window: UInt16 = 65535, payload: [UInt8] = [], options: [UInt8] = [],
                                 pseudoSrc: String? = nil, pseudoDst: String? = nil) -> [UInt8] {
        var opts = options
        opts.padZeros(toMultipleOf: 4)
        let headerLength = 20 + opts.count
        precondition(headerLength <= 60, "TCP options longer than 40 bytes")
        var segment: [UInt8] = []
        segment.reserveCapacity(headerLength + payload.count)
        segment.appendBE(sport)
        segment.appendBE(dport)
        segment.appendBE(seq)
        segment.appendBE(ack)
        segment.append(UInt8(headerLength / 4) << 4)
        segment.append(flags.rawValue)
        segment.appendBE(window)
        segment.appendBE(UInt16(0))  // checksum
        segment.appendBE(UInt16(0))  // urgent pointer
        segment += opts
        segment += payload
        if let pseudoSrc, let pseudoDst {
            segment.setBE16(transportChecksum(segment, src: pseudoSrc, dst: pseudoDst, protocol: protocolTCP), at: 16)
        }
        return segment
    }

    /// A UDP datagram: 8-byte header (length set) followed by `payload`. The checksum is
    /// computed over the pseudo-header when both pseudo addresses are given (a computed 0 is
    /// sent as 0xFFFF), else left 0 ("no checksum").
    public static func udpHeader(sport: UInt16, dport: UInt16, payload: [UInt8],
                                 pseudoSrc: String? = nil, pseudoDst: String? = nil) -> [UInt8] {
        guard let length = UInt16(exactly: 8 + payload.count) else {
            preconditionFailure("UDP datagram longer than 65535 bytes")
        }
        var datagram: [UInt8] = []
        datagram.reserveCapacity(8 + payload.count)
        datagram.appendBE(sport)
        datagram.appendBE(dport)
        datagram.appendBE(length)
        datagram.appendBE(UInt16(0))
        datagram += payload
        if let pseudoSrc, let pseudoDst {
            let sum = transportChecksum(datagram, src: pseudoSrc, dst: pseudoDst, protocol: protocolUDP)
            datagram.setBE16(sum == 0 ? 0xFFFF : sum, at: 6)
        }
        return datagram
    }

    /// Wraps an upper-layer message in IPv4 or IPv6 according to the address family.
    static func ip(_ src: String, _ dst: String, protocol proto: UInt8, payload: [UInt8], id: UInt16, ttl: UInt8) -> [UInt8] {
        if isIPv6(src) {
            return ipv6(src: src, dst: dst, nextHeader: proto, payload: payload, hopLimit: ttl)
        }
        return ipv4(src: src, dst: dst, protocol: proto, payload: payload, id: id, ttl: ttl)
    }
}
