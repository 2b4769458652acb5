extension PacketDecoder {
    static func decodeLink(_ b: UnsafeRawBufferPointer, linkType: LinkType, into p: inout DecodedPacket) {
        switch linkType {
        case .ethernet:
            decodeEthernet(b, at: 0, into: &p)
        case .raw, .rawOpenBSD, .rawBSD:
            decodeIPByVersion(b, at: 0, into: &p, mustBeIP: true)
        case .ipv4:
            decodeIPv4(b, at: 0, into: &p)
        case .ipv6:
            decodeIPv6(b, at: 0, into: &p)
        case .linuxSLL:
            // 16-byte cooked header; protocol (an EtherType) in the last two bytes.
            guard b.count >= 16 else { return linkTruncated(&p, need: 16, have: b.count) }
            decodeEtherType(b.be16(14), b, at: 16, into: &p)
        case .linuxSLL2:
            // 20-byte SLL2 header; protocol first.
            guard b.count >= 20 else { return linkTruncated(&p, need: 20, have: b.count) }
            decodeEtherType(b.be16(0), b, at: 20, into: &p)
        case .null, .loop:
            guard b.count >= 4 else { return linkTruncated(&p, need: 4, have: b.count) }
            // NULL stores the address family in the capturing host's byte order, LOOP in
            // network order; a family fits in 16 bits, so the order shows in the value.
            let be = b.be32(0)
            let family = be <= 0xFFFF ? be : b.le32(0)
            switch family {
            case 2: decodeIPv4(b, at: 4, into: &p)
            case 10, 24, 28, 30: decodeIPv6(b, at: 4, into: &p)
            default: p.kind = .notIP
            }
        case .ppp, .pppHDLC:
            decodePPP(b, at: 0, into: &p)
        case .ciscoHDLC:
            guard b.count >= 4 else { return linkTruncated(&p, need: 4, have: b.count) }
            decodeEtherType(b.be16(2), b, at: 4, into: &p)
        case .nflog:
            decodeNFLOG(b, into: &p)
        case .ppi:
            // PPI: version, flags, header length (LE), DLT of the payload (LE).
            guard b.count >= 8 else { return linkTruncated(&p, need: 8, have: b.count) }
            let length = Int(b.le16(2))
            let inner = LinkType(rawValue: b.le32(4))
            guard length >= 8, length <= b.count, inner != .ppi, inner.isSupported else {
                if length > b.count { return linkTruncated(&p, need: length, have: b.count) }
                return p.kind = .notIP
            }
            decodeLink(UnsafeRawBufferPointer(rebasing: b[length...]), linkType: inner, into: &p)
            p.ipOffset += length
        default:
            p.kind = .unsupportedLink
        }
    }

    @inline(__always)
    static func linkTruncated(_ p: inout DecodedPacket, need: Int, have: Int, at offset: Int = 0, layer: Layer = .link) {
        p.kind = .truncated
        truncated(&p, layer, at: offset, need: need, have: have - offset)
    }

    /// The Ethernet addresses of the header at the start of `b` (at least 14 bytes).
    @inline(__always)
    static func readMACs(_ b: UnsafeRawBufferPointer, into p: inout DecodedPacket) {
        p.destinationMAC = b.be64(0) >> 16
        p.sourceMAC = b.be64(6) >> 16
    }

    static func decodeEthernet(_ b: UnsafeRawBufferPointer, at offset: Int, into p: inout DecodedPacket) {
        guard b.count >= offset + 14 else { return linkTruncated(&p, need: 14, have: b.count, at: offset) }
        // The captured frame's own header, not a tunnelled one.
        if offset == 0 && p.options.details { readMACs(b, into: &p) }
        let type = b.be16(offset + 12)
        if type < 1536 && p.options.rules == .nfstream {
            // NFStream's `packet_dlt_en10mb`: an 802.3 length field; LLC with SNAP (either SAP
            // 0xAA) is skipped (8 bytes, its EtherType read in the wrong byte order: never IP),
            // spanning tree (either SAP 0x42) ignored, anything else read from the LLC header on.
            guard b.count >= offset + 16 else { p.kind = .notIP; return }
            let dsap = b.u8(offset + 14), ssap = b.u8(offset + 15)
            if dsap == 0xAA || ssap == 0xAA { return decodeAsNFStreamGuesses(b, at: offset + 22, into: &p) }
            if dsap == 0x42 || ssap == 0x42 { p.kind = .notIP; return }
            return decodeAsNFStreamGuesses(b, at: offset + 14, into: &p)
        }
        decodeEtherType(type, b, at: offset + 14, into: &p)
    }

    /// Dispatches on an EtherType, walking VLAN tags, MPLS labels and PPPoE sessions.
    static func decodeEtherType(_ first: UInt16, _ b: UnsafeRawBufferPointer, at start: Int, into p: inout DecodedPacket) {
        var type = EtherType(rawValue: first)
        var offset = start
        for _ in 0..<maxNesting {
            switch type {
            case .ipv4:
                return decodeIPv4(b, at: offset, into: &p)
            case .ipv6:
                return decodeIPv6(b, at: offset, into: &p)
            case .vlan, .qinq, .qinqOld:
                guard b.count >= offset + 4 else { return linkTruncated(&p, need: 4, have: b.count, at: offset, layer: .vlan) }
                if p.options.rules == .nfstream {
                    // NFStream: only 802.1Q tags, and the innermost one's id.
                    guard type == .vlan else { p.kind = .notIP; return }
                    p.vlanID = b.be16(offset) & 0x0FFF
                } else if p.vlanID == 0 {
                    p.vlanID = b.be16(offset) & 0x0FFF
                }
                type = EtherType(rawValue: b.be16(offset + 2))
                offset += 4
            case .mplsUnicast, .mplsMulticast:
                return decodeMPLS(b, at: offset, into: &p)
            case .pppoeSession:
                // 6-byte PPPoE header, then a PPP protocol field.
                guard b.count >= offset + 8 else { return linkTruncated(&p, need: 8, have: b.count, at: offset, layer: .pppoe) }
                return decodePPPProtocol(b.be16(offset + 6), b, at: offset + 8, into: &p)
            default:
                if p.options.rules == .nfstream { return decodeAsNFStreamGuesses(b, at: offset, into: &p) }
                p.kind = .notIP
                return
            }
        }
        malformed(&p, .tooManyVLANTags)
    }

    static func decodeMPLS(_ b: UnsafeRawBufferPointer, at start: Int, into p: inout DecodedPacket) {
        var offset = start
        for _ in 0..<maxNesting {
            guard b.count >= offset + 4 else { return linkTruncated(&p, need: 4, have: b.count, at: offset, layer: .mpls) }
            let entry = b.be32(offset)
            offset += 4
            if entry & 0x100 != 0 {  // bottom of stack
                return decodeIPByVersion(b, at: offset, into: &p)
            }
        }
        malformed(&p, .tooManyMPLSLabels)
    }

    /// PPP (DLT_PPP / DLT_PPP_SERIAL): optional 0xFF 0x03 address/control, a 1- or 2-byte
    /// protocol. Some DLT_PPP captures hold Cisco HDLC frames (address 0x0F or 0x8F).
    static func decodePPP(_ b: UnsafeRawBufferPointer, at start: Int, into p: inout DecodedPacket) {
        var offset = start
        guard b.count >= offset + 2 else { return linkTruncated(&p, need: 2, have: b.count, at: offset, layer: .ppp) }
        let first = b.u8(offset)
        if first == 0x0F || first == 0x8F {
            guard b.count >= offset + 4 else { return linkTruncated(&p, need: 4, have: b.count, at: offset, layer: .ppp) }
            return decodeEtherType(b.be16(offset + 2), b, at: offset + 4, into: &p)
        }
        if first == 0xFF && b.u8(offset + 1) == 0x03 { offset += 2 }
        guard b.count >= offset + 1 else { return linkTruncated(&p, need: 1, have: b.count, at: offset, layer: .ppp) }
        if b.u8(offset) & 1 == 1 {  // compressed 1-byte protocol field
            return decodePPPProtocol(UInt16(b.u8(offset)), b, at: offset + 1, into: &p)
        }
        guard b.count >= offset + 2 else { return linkTruncated(&p, need: 2, have: b.count, at: offset, layer: .ppp) }
        decodePPPProtocol(b.be16(offset), b, at: offset + 2, into: &p)
    }

    static func decodePPPProtocol(_ proto: UInt16, _ b: UnsafeRawBufferPointer, at offset: Int, into p: inout DecodedPacket) {
        switch proto {
        case 0x0021: decodeIPv4(b, at: offset, into: &p)
        case 0x0057: decodeIPv6(b, at: offset, into: &p)
        default: p.kind = .notIP
        }
    }

    /// NFLOG: 4-byte header (family, version, resource id), then TLVs with little-endian
    /// length and type, each padded to 4 bytes; type 9 holds the IP packet.
    static func decodeNFLOG(_ b: UnsafeRawBufferPointer, into p: inout DecodedPacket) {
        guard b.count >= 4 else { return linkTruncated(&p, need: 4, have: b.count) }
        var offset = 4
        while offset + 4 <= b.count {
            let length = Int(b.le16(offset))
            let type = b.le16(offset + 2) & 0x7FFF
            guard length >= 4 else { return malformed(&p, .nflogTLVLength(length)) }
            if type == 9 {
                let end = min(offset + length, b.count)
                let payload = UnsafeRawBufferPointer(rebasing: b[(offset + 4)..<end])
                decodeIPByVersion(payload, at: 0, into: &p)
                p.ipOffset += offset + 4
                if offset + length > b.count {
                    truncated(&p, .link, at: offset, need: length, have: b.count - offset)
                }
                return
            }
            offset += (length + 3) & ~3
        }
        p.kind = .notIP
    }

    /// NFStream's `packet_process` reads what follows a link header it does not know (an
    /// EtherType it has no case for, a CAPWAP 802.11 frame that is not data) as an IP header
    /// whenever its version nibble is 4 or 6, and ignores the frame otherwise; under
    /// ``HeaderRules/nfstream`` an IPv4 header length below 20 is accepted there too.
    static func decodeAsNFStreamGuesses(_ b: UnsafeRawBufferPointer, at offset: Int, into p: inout DecodedPacket) {
        guard b.count >= offset + 20 else { p.kind = .notIP; return }
        switch b.u8(offset) >> 4 {
        case 4:
            decodeIPv4(b, at: offset, into: &p)
            // Its fragment test reads only headers it took as IPv4 by their EtherType.
            p.isFragment = false
            p.moreFragments = false
            p.fragmentOffset = 0
        case 6: decodeIPv6(b, at: offset, into: &p)
        default: p.kind = .notIP
        }
    }

    /// Decodes IPv4 or IPv6 by the version nibble. On a raw-IP link every packet must be IP,
    /// so another version is malformed there; elsewhere (MPLS payloads) it is just not IP.
    static func decodeIPByVersion(_ b: UnsafeRawBufferPointer, at offset: Int, into p: inout DecodedPacket, mustBeIP: Bool = false) {
        guard b.count >= offset + 1 else { return linkTruncated(&p, need: 1, have: b.count, at: offset, layer: .ipv4) }
        let version = b.u8(offset) >> 4
        switch version {
        case 4: decodeIPv4(b, at: offset, into: &p)
        case 6: decodeIPv6(b, at: offset, into: &p)
        default:
            if mustBeIP { malformed(&p, .rawLinkIPVersion(version)) } else { p.kind = .notIP }
        }
    }
}
