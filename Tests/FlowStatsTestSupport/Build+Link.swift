// Link-layer framings: Ethernet (VLAN, QinQ, MPLS, PPPoE), Linux cooked v1/v2, NULL, LOOP, PPP.

extension Build {
    /// EtherType for an IP packet from its version nibble: 0x86DD for 6, otherwise 0x0800.
    public static func etherType(of ip: [UInt8]) -> UInt16 {
        ip.first.map { $0 >> 4 == 6 } == true ? 0x86DD : 0x0800
    }

    /// PPP protocol number for an IP packet: 0x0057 for IPv6, otherwise 0x0021.
    static func pppProtocol(of ip: [UInt8]) -> UInt16 {
        etherType(of: ip) == 0x86DD ? 0x0057 : 0x0021
    }

    /// BSD address family for an IP packet as written by DLT_NULL/DLT_LOOP: 24 for IPv6, else 2.
    static func bsdFamily(of ip: [UInt8]) -> UInt32 {
        etherType(of: ip) == 0x86DD ? 24 : 2
    }

    /// An Ethernet II frame (no FCS, no padding) carrying `ip`, the EtherType chosen from the
    /// IP version. `vlans` are 802.1Q tag control fields, outermost first: the outer tag uses
    /// `outerTPID` (0x88A8 for QinQ), inner tags 0x8100.
    public static func ethernet(_ ip: [UInt8], vlans: [UInt16] = [], outerTPID: UInt16 = 0x8100,
                                src: [UInt8] = [0x02, 0, 0, 0, 0, 1], dst: [UInt8] = [0x02, 0, 0, 0, 0, 2]) -> [UInt8] {
        ethernetFrame(payload: ip, etherType: etherType(of: ip), vlans: vlans, outerTPID: outerTPID, src: src, dst: dst)
    }

    /// An Ethernet II frame with an arbitrary EtherType (ARP 0x0806 and so on) and optional
    /// 802.1Q tags (all TPID 0x8100), default addresses as in ``ethernet(_:vlans:outerTPID:src:dst:)``.
    public static func ethernet(payload: [UInt8], etherType: UInt16, vlans: [UInt16] = []) -> [UInt8] {
        ethernetFrame(payload: payload, etherType: etherType, vlans: vlans, outerTPID: 0x8100,
                      src: [0x02, 0, 0, 0, 0, 1], dst: [0x02, 0, 0, 0, 0, 2])
    }

    static func ethernetFrame(payload: [UInt8], etherType: UInt16, vlans: [UInt16], outerTPID: UInt16,
                              src: [UInt8], dst: [UInt8]) -> [UInt8] {
        precondition(src.count == 6 && dst.count == 6, "MAC addresses are 6 bytes")
        var frame = dst + src
        frame.reserveCapacity(14 + 4 * vlans.count + payload.count)
        for (index, tci) in vlans.enumerated() {
            frame.appendBE(index == 0 ? outerTPID : UInt16(0x8100))
            frame.appendBE(tci)
        }
        frame.appendBE(etherType)
        return frame + payload
    }

    /// An Ethernet frame with EtherType 0x8847 and an MPLS label stack (outermost first):
    /// each entry is label(20) | TC 0 | S | TTL 64, S set on the last.
    public static func ethernetMPLS(_ ip: [UInt8], labels: [UInt32]) -> [UInt8] {
        var stack: [UInt8] = []
        for (index, label) in labels.enumerated() {
            let bottom: UInt32 = index == labels.count - 1 ? 1 : 0
            stack.appendBE((label & 0xFFFFF) << 12 | bottom << 8 | 64)
        }
        return ethernet(payload: stack + ip, etherType: 0x8847)
    }

    /// An Ethernet frame with EtherType 0x8864 (PPPoE session stage): version/type 0x11,
    /// code 0, `session`, length of the PPP part, then PPP protocol 0x0021 or 0x0057 and `ip`.
    public static func ethernetPPPoE(_ ip: [UInt8], session: UInt16 = 1) -> [UInt8] {
        var header: [UInt8] = [0x11, 0x00]
        header.appendBE(session)
        header.appendBE(UInt16(2 + ip.count))
        header.appendBE(pppProtocol(of: ip))
        return ethernet(payload: header + ip, etherType: 0x8864)
    }

    /// A Linux cooked-mode (DLT_LINUX_SLL, link type 113) frame: packet type, ARPHRD_ETHER,
    /// address length 6, the address zero-padded to 8 bytes, then the protocol (EtherType).
    public static func linuxSLL(_ ip: [UInt8], packetType: UInt16 = 0) -> [UInt8] {
        var header: [UInt8] = []
        header.appendBE(packetType)
        header.appendBE(UInt16(1))  // ARPHRD_ETHER
        header.appendBE(UInt16(6))
        header += [0x02, 0, 0, 0, 0, 1, 0, 0]
        header.appendBE(etherType(of: ip))
        return header + ip
    }

    /// A Linux cooked-mode v2 (DLT_LINUX_SLL2, link type 276) frame, 20-byte header:
    /// protocol (EtherType), reserved, interface index 1, ARPHRD_ETHER, packet type,
    /// address length 6, the address zero-padded to 8 bytes.
    public static func linuxSLL2(_ ip: [UInt8], packetType: UInt8 = 0) -> [UInt8] {
        var header: [UInt8] = []
        header.appendBE(etherType(of: ip))
        header.appendBE(UInt16(0))
        header.appendBE(UInt32(1))
        header.appendBE(UInt16(1))  // ARPHRD_ETHER
        header.append(packetType)
        header.append(6)
        header += [0x02, 0, 0, 0, 0, 1, 0, 0]
        return header + ip
    }

    /// A BSD loopback (DLT_NULL, link type 0) frame: the address family as a 4-byte
    /// little-endian word (2 for IPv4, 24 for IPv6), then `ip`.
    public static func null(_ ip: [UInt8]) -> [UInt8] {
        var header: [UInt8] = []
        header.appendLE(bsdFamily(of: ip))
        return header + ip
    }

    /// An OpenBSD loopback (DLT_LOOP, link type 108) frame: the address family as a 4-byte
    /// big-endian word (2 for IPv4, 24 for IPv6), then `ip`.
    public static func loop(_ ip: [UInt8]) -> [UInt8] {
        var header: [UInt8] = []
        header.appendBE(bsdFamily(of: ip))
        return header + ip
    }

    /// A PPP-in-HDLC-like-framing (DLT_PPP, link type 9) frame: 0xFF 0x03, protocol
    /// 0x0021 (IPv4) or 0x0057 (IPv6), then `ip`.
    public static func ppp(_ ip: [UInt8]) -> [UInt8] {
        var header: [UInt8] = [0xFF, 0x03]
        header.appendBE(pppProtocol(of: ip))
        return header + ip
    }
}
