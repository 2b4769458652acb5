// Tunnel decapsulation: IP-in-IP, GRE (with PPTP and ERSPAN), VXLAN, Geneve, GTP-U, Teredo, TZSP,
// CAPWAP data, AYIYA (Zeek preset). Teredo and AYIYA found by content: TunnelDetection.swift.

/// How an encapsulating layer carried the packet inside it.
public enum TunnelKind: String, Sendable {
    case ipInIP = "ip-in-ip", gre, vxlan, geneve, gtpU = "gtp-u", teredo, tzsp, capwap, ayiya

    /// The name Zeek gives the tunnel in the outer connection's conn.log `service` once its
    /// packet analyzer confirmed it (the analyzers' names, lower-cased: `teredo`, `ayiya`,
    /// `vxlan`, `geneve`, `gtpv1`); nil for the IP tunnels (GRE, IP-in-IP), which Zeek logs
    /// in tunnel.log and not as connections, and for TZSP and CAPWAP, which Zeek does not decode.
    public var zeekService: String? {
        switch self {
        case .teredo: "teredo"
        case .ayiya: "ayiya"
        case .vxlan: "vxlan"
        case .geneve: "geneve"
        case .gtpU: "gtpv1"
        case .ipInIP, .gre, .tzsp, .capwap: nil
        }
    }
}

/// One encapsulating (outer) IP layer of a tunnelled packet: enough to account its own flow.
///
/// Which packets count as tunnelled follows Zeek's packet analyzers (`src/packet_analysis/
/// protocol/{iptunnel,gre,vxlan,geneve,gtpv1,teredo}`), except where noted:
///
/// - **IP-in-IP**: IPv4 protocol / IPv6 next header 4 (IPv4 inside) or 41 (IPv6 inside). The
///   inner packet must be of that version and its length must equal the outer payload length.
/// - **GRE** (protocol 47): version 0 with the C, K and S bits (and the PPTP A bit) sizing the
///   header; payload 0x0800 IPv4, 0x86DD IPv6, 0x6558 Ethernet, 0x8847/0x8848 MPLS, 0x88BE ERSPAN
///   (type II with an 8-byte header when the S bit is set, type I with none otherwise), 0x22EB
///   ERSPAN type III (12 bytes, plus 8 when its O flag is set), then Ethernet. Version 1 (PPTP)
///   only with protocol 0x880B, a PPP frame carrying IPv4/IPv6 whose length must fill the GRE
///   payload. Not decapsulated, as in Zeek: the deprecated R (routing) bit set, any of the
///   undefined flag bits 0x0078 set, another version or payload type.
/// - **VXLAN**: UDP destination port 4789, the I flag set, 8 bytes, then an Ethernet frame.
/// - **Geneve**: UDP destination port 6081, version 0, 8 bytes plus options, protocol type
///   0x6558 (Ethernet), 0x0800 or 0x86DD.
/// - **GTP-U**: UDP port 2152 on either side, version 1, PT set, message type 0xFF (T-PDU), the
///   optional sequence / N-PDU / next-extension word when any of E, S, PN is set, the extension
///   header chain when E is set; then IPv4 or IPv6 whose length must fill the rest. GTP inside
///   GTP is not decapsulated again.
/// - **Teredo**: UDP port 3544 on either side, an optional authentication header (0x0001) then
///   an optional origin indication (0x0000), then an IPv6 header whose payload length must fill
///   the rest exactly (a bubble, next header 59 and payload length 0, may be followed by data).
/// - **TZSP** (Zeek has no analyzer; after Wireshark's and NFStream's): UDP port 37008 on
///   either side, version 1, type 0 (received tag list) or 1 (packet for transmit),
///   encapsulated protocol 1 (Ethernet), tagged fields up to the END tag (1; PADDING, 0, is
///   one byte; any other tag is type, length, value), then an Ethernet frame.
/// - **CAPWAP data** (RFC 5415, 5416; no Zeek analyzer): UDP port 5247 on either side,
///   preamble version 0 and type 0 (1 is DTLS: encrypted), HLEN (4-byte words) at least 2,
///   neither the F (fragment) nor the K (keep-alive) bit. With T = 0 the payload is an 802.3
///   Ethernet frame; with T = 1 and WBID 1 an 802.11 frame, decoded when it is an unprotected
///   data frame with a body (24-byte header, +6 with both DS bits, +2 QoS control, +4 HT
///   control with the Order bit in a QoS frame) followed by LLC/SNAP (AA AA 03 00 00 00)
///   with EtherType IPv4 or IPv6. Other 802.11 frames (management, control, null data,
///   protected) are not tunnels.
/// - **AYIYA** (only in ``TunnelKinds/ayiya``, `--preset zeek`; Zeek's `AYIYAAnalyzer`): UDP port
///   5072 on either side; identity length `1 << (byte 0 >> 4)`, signature length
///   `(byte 1 >> 4) * 4`, an 8-byte fixed part; opcode (byte 2 & 0x0F) 1, forward, else no
///   inner packet; next header (byte 3) 4 (IPv4) or 41 (IPv6) and an IP packet of that
///   version within the rest.
/// - With ``DecodeOptions/detectTunnelsByContent`` (`--preset zeek`), a UDP payload on none of
///   the ports above is tried as AYIYA, then as Teredo, by Zeek's `DetectProtocol` tests
///   (TunnelDetection.swift), then decoded as above.
///
/// Zeek dispatches VXLAN, Geneve, GTP-U and Teredo on the connection's responder port; the
/// decoder has no connection state, so it uses the destination port (VXLAN, Geneve) or either
/// port (GTP-U, Teredo). Lengths are compared with what the outer headers declare, not with
/// the captured bytes, so a packet cut by the snap length stays tunnelled: when the inner IP
/// header was captured, the inner packet is kept with a truncation report (Zeek drops such
/// packets). When the inner packet is not IP, is malformed, contradicts the lengths above or
/// was cut before its IP header, the outer packet is kept as the packet and is not listed in
/// `tunnels`. At most ``PacketDecoder/maxTunnelDepth`` layers are taken off (Zeek's
/// `Tunnel::max_depth` is 2). IP fragments are not decapsulated: reassemble them first
/// (``FragmentReassembler``, then ``PacketDecoder/decodeReassembled(_:decapsulate:into:)``).
///
/// `vlanID` is the captured frame's outermost VLAN id for every layer, as for the packet.
public struct TunnelLayer: Sendable, Equatable {
    public var kind: TunnelKind
    public var vlanID: UInt16          // outermost VLAN id of this layer's frame (0 if none)
    public var ipVersion: UInt8
    public var source: IPAddress
    public var destination: IPAddress
    public var ipProtocol: UInt8       // 47 GRE, 17 UDP, 4/41 IP-in-IP
    public var hasPorts: Bool          // UDP tunnels
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var ipLength: Int           // outer IP total length (IPv4 total length / 40 + IPv6 payload length)
    public var payloadLength: Int      // outer transport payload length (UDP payload; for GRE/IP-in-IP: IP payload length)
    public var ipOffset: Int           // offset of this layer's IP header in the frame

    public init(kind: TunnelKind, vlanID: UInt16, ipVersion: UInt8, source: IPAddress, destination: IPAddress,
                ipProtocol: UInt8, hasPorts: Bool, sourcePort: UInt16, destinationPort: UInt16, ipLength: Int,
                payloadLength: Int, ipOffset: Int) {
        self.kind = kind
        self.vlanID = vlanID
        self.ipVersion = ipVersion
        self.source = source
        self.destination = destination
        self.ipProtocol = ipProtocol
        self.hasPorts = hasPorts
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.ipLength = ipLength
        self.payloadLength = payloadLength
        self.ipOffset = ipOffset
    }

    /// The layer as the decoder currently describes it in `packet`'s main fields.
    init(kind: TunnelKind, packet p: borrowing DecodedPacket) {
        self.init(kind: kind, vlanID: p.vlanID, ipVersion: p.ipVersion, source: p.source, destination: p.destination,
                  ipProtocol: p.ipProtocol, hasPorts: p.hasPorts, sourcePort: p.sourcePort,
                  destinationPort: p.destinationPort, ipLength: p.ipLength, payloadLength: p.payloadLength,
                  ipOffset: p.ipOffset)
    }
}

/// Well-known UDP ports of the UDP-based tunnels.
public enum TunnelPort {
    public static let vxlan: UInt16 = 4789
    public static let geneve: UInt16 = 6081
    public static let gtpU: UInt16 = 2152
    public static let teredo: UInt16 = 3544
    public static let tzsp: UInt16 = 37008
    public static let capwapData: UInt16 = 5247
    public static let ayiya: UInt16 = 5072
}

extension PacketDecoder {
    /// How many encapsulating layers are taken off at most, so that a crafted packet cannot
    /// make the decoder loop.
    public static let maxTunnelDepth = 8

    /// What follows a tunnel header.
    enum TunnelPayload {
        case ipv4, ipv6, ipByVersion, ethernet, mpls, ppp
        /// What NFStream reads as IP where it finds no header it knows (``HeaderRules/nfstream``).
        case nfstreamGuess
    }

    /// How the inner IP packet's length must relate to what the outer headers declare.
    enum TunnelLengthRule {
        /// Inside the outer payload (an Ethernet frame may be padded; GRE version 0).
        case within
        /// Exactly the outer payload (IP-in-IP, PPTP, GTP-U), as Zeek's `IP::ParsePacket` checks.
        case exact
        /// Exactly, by the raw IPv6 payload length field, or a bubble followed by anything.
        case teredo
    }

    struct Encapsulation {
        var kind: TunnelKind
        var payload: TunnelPayload
        /// Frame offset of the inner frame or packet.
        var offset: Int
        var rule: TunnelLengthRule
    }

    /// Takes tunnel layers off `p` (which describes the outer packet) while its payload is a
    /// tunnel with an IP packet inside, up to ``maxTunnelDepth``.
    static func decapsulateTunnels(_ b: UnsafeRawBufferPointer, into p: inout DecodedPacket) {
        let frameVLAN = p.vlanID
        while p.kind == .ip, !p.isFragment, p.transportOffset >= 0, p.tunnels.count < maxTunnelDepth {
            let declaredEnd = p.ipOffset + p.ipLength
            let capturedEnd = p.ipOffset + p.ipCapturedLength
            guard capturedEnd <= b.count,
                  let tunnel = findEncapsulation(b, &p, declaredEnd: declaredEnd, capturedEnd: capturedEnd) else { return }
            // The outer layer, put back whole when the inner packet is of no use.
            let saved = p.layer
            let layer = TunnelLayer(kind: tunnel.kind, packet: p)
            p.tunnels.append(layer)
            p.resetLayer()
            // The inner decoders see the frame up to the end of the outer packet, with offsets unchanged.
            let inner = UnsafeRawBufferPointer(rebasing: b[0..<capturedEnd])
            switch tunnel.payload {
            case .ipv4: decodeIPv4(inner, at: tunnel.offset, into: &p)
            case .ipv6: decodeIPv6(inner, at: tunnel.offset, into: &p)
            case .ipByVersion: decodeIPByVersion(inner, at: tunnel.offset, into: &p)
            case .ethernet: decodeEthernet(inner, at: tunnel.offset, into: &p)
            case .mpls: decodeMPLS(inner, at: tunnel.offset, into: &p)
            case .ppp: decodePPP(inner, at: tunnel.offset, into: &p)
            case .nfstreamGuess: decodeAsNFStreamGuesses(inner, at: tunnel.offset, into: &p)
            }
            // VLAN tags inside a tunnelled Ethernet frame belong to the overlay; the packet keeps
            // the capture frame's VLAN id.
            p.vlanID = frameVLAN
            if tunnel.payload == .nfstreamGuess {
                // NFStream never counts such a packet in the outer flow, nor checks the length.
                if p.kind != .ip {
                    p.tunnels.removeLast()
                    p.kind = .notIP
                }
                return
            }
            guard p.kind == .ip, innerLengthFits(b, p, tunnel, declaredEnd: declaredEnd) else {
                p.tunnels.removeLast()
                p.layer = saved
                return
            }
        }
    }

    /// A cheap first test, inlined into the packet loop: false for the packets that
    /// ``findEncapsulation(_:_:declaredEnd:capturedEnd:)`` can never take as a tunnel (most
    /// traffic: TCP, and UDP off the tunnel ports), so they skip the tunnel machinery.
    @inline(__always)
    static func mayCarryTunnel(_ p: borrowing DecodedPacket) -> Bool {
        guard p.kind == .ip, !p.isFragment, p.transportOffset >= 0 else { return false }
        switch IPProtocol(rawValue: p.ipProtocol) {
        case .ipip, .ipv6, .gre:
            return true
        case .udp:
            // Found by content on any port: every UDP packet is looked at (`--preset zeek` only).
            if p.options.detectTunnelsByContent { return true }
            return p.destinationPort == TunnelPort.vxlan || p.destinationPort == TunnelPort.geneve
                || p.sourcePort == TunnelPort.gtpU || p.destinationPort == TunnelPort.gtpU
                || p.sourcePort == TunnelPort.teredo || p.destinationPort == TunnelPort.teredo
                || p.sourcePort == TunnelPort.tzsp || p.destinationPort == TunnelPort.tzsp
                || p.sourcePort == TunnelPort.capwapData || p.destinationPort == TunnelPort.capwapData
        default:
            return false
        }
    }

    private static func innerLengthFits(_ b: UnsafeRawBufferPointer, _ p: borrowing DecodedPacket, _ tunnel: Encapsulation,
                                        declaredEnd: Int) -> Bool {
        let innerEnd = p.ipOffset + p.ipLength
        switch tunnel.rule {
        case .within:
            return innerEnd <= declaredEnd
        case .exact:
            return innerEnd == declaredEnd
        case .teredo:
            // In bounds: the inner IPv6 header (40 bytes at tunnel.offset) was decoded.
            let payloadLength = Int(b.be16(tunnel.offset + 4))
            if tunnel.offset + 40 + payloadLength == declaredEnd { return true }
            return payloadLength == 0 && b.u8(tunnel.offset + 6) == IPProtocol.noNextHeader.rawValue
        }
    }

    /// Whether `need` bytes of a tunnel header at `offset` are there. False when the packet as
    /// its headers declare it is too short to hold them (then it is not this tunnel), and false
    /// with a truncation report when the capture cut them.
    @inline(__always)
    private static func headerFits(_ p: inout DecodedPacket, _ layer: Layer, at offset: Int, need: Int,
                                   declaredEnd: Int, capturedEnd: Int) -> Bool {
        guard offset + need <= declaredEnd else { return false }
        guard offset + need <= capturedEnd else {
            truncated(&p, layer, at: offset, need: need, have: capturedEnd - offset)
            return false
        }
        return true
    }

    /// The tunnel `p`'s payload is, if any, with the offset of what it carries.
    static func findEncapsulation(_ b: UnsafeRawBufferPointer, _ p: inout DecodedPacket, declaredEnd: Int,
                                  capturedEnd: Int) -> Encapsulation? {
        let start = p.ipOffset + p.transportOffset
        let kinds = p.options.tunnels
        let nfstream = p.options.rules == .nfstream
        // NFStream decodes nothing inside GTP-U.
        if nfstream, let last = p.tunnels.last, last.kind == .gtpU { return nil }
        switch IPProtocol(rawValue: p.ipProtocol) {
        case .ipip where kinds.contains(.ipInIP):
            return Encapsulation(kind: .ipInIP, payload: .ipv4, offset: start, rule: .exact)
        case .ipv6 where kinds.contains(.ipInIP):
            return Encapsulation(kind: .ipInIP, payload: .ipv6, offset: start, rule: .exact)
        case .gre where kinds.contains(.gre):
            return greEncapsulation(b, &p, at: start, declaredEnd: declaredEnd, capturedEnd: capturedEnd)
        case .udp:
            // The UDP header was decoded in full before. NFStream looks for UDP tunnels only
            // under IPv4 (under IPv6 it reads the UDP header at the payload length's offset).
            guard p.hasPorts, start + 8 <= capturedEnd, !nfstream || p.ipVersion == 4 else { return nil }
            return udpEncapsulation(b, &p, at: start + 8, declaredEnd: declaredEnd, capturedEnd: capturedEnd)
        default:
            return nil
        }
    }

    /// GRE (RFC 2784, 2890; PPTP's enhanced GRE, RFC 2637; ERSPAN), after Zeek's GRE analyzer.
    private static func greEncapsulation(_ b: UnsafeRawBufferPointer, _ p: inout DecodedPacket, at o: Int,
                                         declaredEnd: Int, capturedEnd: Int) -> Encapsulation? {
        func fits(_ need: Int) -> Bool {
            headerFits(&p, .gre, at: o, need: need, declaredEnd: declaredEnd, capturedEnd: capturedEnd)
        }
        guard fits(4) else { return nil }
        let flags = b.be16(o)
        let protocolType = EtherType(rawValue: b.be16(o + 2))
        let version = flags & 0x0007
        // R (routing, deprecated by RFC 2784) or undefined flag bits: Zeek reports a weird and
        // does not decapsulate.
        guard version <= 1, flags & 0x4000 == 0, flags & 0x0078 == 0 else { return nil }
        var length = 4
        if flags & 0x8000 != 0 { length += 4 }  // checksum + reserved
        if flags & 0x2000 != 0 { length += 4 }  // key (PPTP: payload length + call id)
        if flags & 0x1000 != 0 { length += 4 }  // sequence number
        if flags & 0x0080 != 0 { length += 4 }  // acknowledgment number (PPTP)
        guard fits(length) else { return nil }
        let payload = o + length
        if version == 1 {
            // Enhanced GRE must carry PPP; an acknowledgment-only packet has no payload and
            // stays the outer packet.
            guard protocolType == .ppp else { return nil }
            return Encapsulation(kind: .gre, payload: .ppp, offset: payload, rule: .exact)
        }
        switch protocolType {
        case .ipv4:
            return Encapsulation(kind: .gre, payload: .ipv4, offset: payload, rule: .within)
        case .ipv6:
            return Encapsulation(kind: .gre, payload: .ipv6, offset: payload, rule: .within)
        case .transparentEthernetBridging:
            return Encapsulation(kind: .gre, payload: .ethernet, offset: payload, rule: .within)
        case .mplsUnicast, .mplsMulticast:
            return Encapsulation(kind: .gre, payload: .mpls, offset: payload, rule: .within)
        case .erspanII:
            // Type II has an 8-byte ERSPAN header, which the GRE sequence bit announces;
            // type I has none.
            let erspan = flags & 0x1000 != 0 ? 8 : 0
            guard fits(length + erspan) else { return nil }
            return Encapsulation(kind: .gre, payload: .ethernet, offset: payload + erspan, rule: .within)
        case .erspanIII:
            guard fits(length + 12) else { return nil }
            // The O flag, the last bit of the 12-byte header, announces an 8-byte
            // platform-specific subheader.
            let erspan = b.u8(payload + 11) & 0x01 != 0 ? 20 : 12
            guard fits(length + erspan) else { return nil }
            return Encapsulation(kind: .gre, payload: .ethernet, offset: payload + erspan, rule: .within)
        default:
            return nil
        }
    }

    /// VXLAN, Geneve, GTP-U, Teredo, TZSP and CAPWAP data, recognised by port; `u` is the UDP
    /// payload's offset.
    private static func udpEncapsulation(_ b: UnsafeRawBufferPointer, _ p: inout DecodedPacket, at u: Int,
                                         declaredEnd: Int, capturedEnd: Int) -> Encapsulation? {
        let kinds = p.options.tunnels
        func on(_ port: UInt16) -> Bool { p.sourcePort == port || p.destinationPort == port }
        if kinds.contains(.vxlan) && p.destinationPort == TunnelPort.vxlan {
            // RFC 7348: flags (I = 0x08 must be set), reserved, VNI, reserved.
            guard headerFits(&p, .vxlan, at: u, need: 8, declaredEnd: declaredEnd, capturedEnd: capturedEnd),
                  b.u8(u) & 0x08 != 0 else { return nil }
            return Encapsulation(kind: .vxlan, payload: .ethernet, offset: u + 8, rule: .within)
        }
        if kinds.contains(.geneve) && p.destinationPort == TunnelPort.geneve {
            // RFC 8926: version (2 bits, 0), options length (6 bits, 4-byte words), flags,
            // protocol type, VNI, reserved, then the options.
            guard headerFits(&p, .geneve, at: u, need: 8, declaredEnd: declaredEnd, capturedEnd: capturedEnd),
                  b.u8(u) >> 6 == 0 else { return nil }
            let length = 8 + Int(b.u8(u) & 0x3F) * 4
            let payload: TunnelPayload
            switch EtherType(rawValue: b.be16(u + 2)) {
            case .transparentEthernetBridging: payload = .ethernet
            case .ipv4: payload = .ipv4
            case .ipv6: payload = .ipv6
            default: return nil
            }
            guard headerFits(&p, .geneve, at: u, need: length, declaredEnd: declaredEnd, capturedEnd: capturedEnd) else {
                return nil
            }
            return Encapsulation(kind: .geneve, payload: payload, offset: u + length, rule: .within)
        }
        if kinds.contains(.gtpU) && on(TunnelPort.gtpU) {
            return gtpUEncapsulation(b, &p, at: u, declaredEnd: declaredEnd, capturedEnd: capturedEnd)
        }
        if kinds.contains(.teredo) && on(TunnelPort.teredo) {
            return teredoEncapsulation(b, &p, at: u, declaredEnd: declaredEnd, capturedEnd: capturedEnd)
        }
        if kinds.contains(.tzsp) && on(TunnelPort.tzsp) {
            return tzspEncapsulation(b, &p, at: u, declaredEnd: declaredEnd, capturedEnd: capturedEnd)
        }
        if kinds.contains(.capwap) && on(TunnelPort.capwapData) {
            return capwapEncapsulation(b, &p, at: u, declaredEnd: declaredEnd, capturedEnd: capturedEnd)
        }
        if kinds.contains(.ayiya) && on(TunnelPort.ayiya) {
            return ayiyaEncapsulation(b, &p, at: u, declaredEnd: declaredEnd, capturedEnd: capturedEnd)
        }
        guard p.options.detectTunnelsByContent else { return nil }
        // Zeek's UDP analyzer found no packet analyzer for the port: protocol detection, in the
        // order the scripts register it (AYIYA, then Teredo), on the payload as captured.
        let payload = UnsafeRawBufferPointer(rebasing: b[u..<max(u, min(declaredEnd, capturedEnd))])
        if kinds.contains(.ayiya) && TunnelDetection.looksLikeAYIYA(payload) {
            return ayiyaEncapsulation(b, &p, at: u, declaredEnd: declaredEnd, capturedEnd: capturedEnd)
        }
        if kinds.contains(.teredo) && TunnelDetection.looksLikeTeredo(payload) {
            return teredoEncapsulation(b, &p, at: u, declaredEnd: declaredEnd, capturedEnd: capturedEnd)
        }
        return nil
    }

    /// AYIYA ("Anything In Anything"), after Zeek's AYIYA analyzer; `u` is the UDP payload's offset.
    private static func ayiyaEncapsulation(_ b: UnsafeRawBufferPointer, _ p: inout DecodedPacket, at u: Int,
                                           declaredEnd: Int, capturedEnd: Int) -> Encapsulation? {
        func fits(_ need: Int) -> Bool {
            headerFits(&p, .ayiya, at: u, need: need, declaredEnd: declaredEnd, capturedEnd: capturedEnd)
        }
        guard fits(8) else { return nil }
        // Identity length 1 << (0…15) and signature length (0…15) * 4: at most 32,828 bytes.
        let length = 8 + (1 << Int(b.u8(u) >> 4)) + Int(b.u8(u + 1) >> 4) * 4
        guard fits(length) else { return nil }
        // Only "forward" (opcode 1) carries a packet; Zeek needs one after the header.
        guard b.u8(u + 2) & 0x0F == 1, u + length < declaredEnd else { return nil }
        switch b.u8(u + 3) {
        case IPProtocol.ipip.rawValue: return Encapsulation(kind: .ayiya, payload: .ipv4, offset: u + length, rule: .within)
        case IPProtocol.ipv6.rawValue: return Encapsulation(kind: .ayiya, payload: .ipv6, offset: u + length, rule: .within)
        default: return nil
        }
    }

    /// GTP-U (3GPP TS 29.281) T-PDUs, after Zeek's GTPv1 analyzer.
    private static func gtpUEncapsulation(_ b: UnsafeRawBufferPointer, _ p: inout DecodedPacket, at u: Int,
                                          declaredEnd: Int, capturedEnd: Int) -> Encapsulation? {
        func fits(_ need: Int) -> Bool {
            headerFits(&p, .gtpU, at: u, need: need, declaredEnd: declaredEnd, capturedEnd: capturedEnd)
        }
        // GTP is never carried in GTP (Zeek: "GTP-in-GTP").
        if let last = p.tunnels.last, last.kind == .gtpU { return nil }
        guard fits(8) else { return nil }
        // Flags: version (3 bits) 1, PT (0x10) set for GTP (not GTP'), E 0x04, S 0x02, PN 0x01.
        // NFStream checks neither PT nor the inner length.
        let nfstream = p.options.rules == .nfstream
        let flags = b.u8(u)
        guard flags >> 5 == 1, nfstream || flags & 0x10 != 0, b.u8(u + 1) == 0xFF else { return nil }
        var length = 8
        if flags & 0x07 != 0 {
            // Sequence number (2), N-PDU number (1), next extension header type (1).
            guard fits(12) else { return nil }
            length = 12
            if flags & 0x04 != 0 {
                var next = b.u8(u + 11)
                var count = 0
                while next != 0 {
                    // Each extension header: length in 4-byte words (including this byte and
                    // the next-type byte), contents, next extension header type.
                    count += 1
                    guard count <= maxNesting, fits(length + 1) else { return nil }
                    let extensionLength = Int(b.u8(u + length)) * 4
                    guard extensionLength > 0, fits(length + extensionLength) else { return nil }
                    next = b.u8(u + length + extensionLength - 1)
                    length += extensionLength
                }
            }
        }
        return Encapsulation(kind: .gtpU, payload: .ipByVersion, offset: u + length, rule: nfstream ? .within : .exact)
    }

    /// Teredo (RFC 4380), after Zeek's Teredo analyzer.
    private static func teredoEncapsulation(_ b: UnsafeRawBufferPointer, _ p: inout DecodedPacket, at u: Int,
                                            declaredEnd: Int, capturedEnd: Int) -> Encapsulation? {
        var o = u
        func fits(_ need: Int) -> Bool {
            headerFits(&p, .teredo, at: o, need: need, declaredEnd: declaredEnd, capturedEnd: capturedEnd)
        }
        guard fits(2) else { return nil }
        if b.be16(o) == 0x0001 {
            // Authentication: indicator, client id length, authentication value length, the
            // two values, an 8-byte nonce and a confirmation byte.
            guard fits(4) else { return nil }
            let length = 13 + Int(b.u8(o + 2)) + Int(b.u8(o + 3))
            guard fits(length) else { return nil }
            o += length
            guard fits(2) else { return nil }
        }
        if b.be16(o) == 0x0000 {
            // Origin indication: indicator, obfuscated port and address; after any authentication.
            guard fits(8) else { return nil }
            o += 8
        }
        // The payload must look like an IPv6 header; its length is checked once decoded.
        guard fits(1), b.u8(o) >> 4 == 6 else { return nil }
        return Encapsulation(kind: .teredo, payload: .ipv6, offset: o, rule: .teredo)
    }

    /// TZSP (TaZmen Sniffer Protocol) carrying an Ethernet frame; `u` is the UDP payload's offset.
    private static func tzspEncapsulation(_ b: UnsafeRawBufferPointer, _ p: inout DecodedPacket, at u: Int,
                                          declaredEnd: Int, capturedEnd: Int) -> Encapsulation? {
        func fits(_ need: Int) -> Bool {
            headerFits(&p, .tzsp, at: u, need: need, declaredEnd: declaredEnd, capturedEnd: capturedEnd)
        }
        guard fits(5) else { return nil }
        // Version, type, encapsulated protocol (1 = Ethernet).
        let type = b.u8(u + 1)
        let nfstream = p.options.rules == .nfstream
        guard b.u8(u) == 1, type == 0 || (type == 1 && !nfstream), b.be16(u + 2) == 1 else { return nil }
        var length = 4
        if nfstream {
            // NFStream's `packet_process` takes the frame after the first tag: one byte for
            // PADDING or END, else as many bytes as the tag's length field says.
            let tag = b.u8(u + 4)
            if tag <= 1 {
                length += 1
            } else {
                guard fits(6) else { return nil }
                length += Int(b.u8(u + 5))
            }
        } else {
            // Tags up to END; each step takes at least one byte, and `fits` bounds the walk.
            while true {
                guard fits(length + 1) else { return nil }
                let tag = b.u8(u + length)
                if tag == 1 { length += 1; break }
                if tag == 0 { length += 1; continue }
                guard fits(length + 2) else { return nil }
                length += 2 + Int(b.u8(u + length + 1))
            }
        }
        return Encapsulation(kind: .tzsp, payload: .ethernet, offset: u + length, rule: .within)
    }

    /// CAPWAP data channel (RFC 5415 section 4.3, 802.11 binding RFC 5416); `u` is the UDP
    /// payload's offset.
    private static func capwapEncapsulation(_ b: UnsafeRawBufferPointer, _ p: inout DecodedPacket, at u: Int,
                                            declaredEnd: Int, capturedEnd: Int) -> Encapsulation? {
        func fits(_ need: Int) -> Bool {
            headerFits(&p, .capwap, at: u, need: need, declaredEnd: declaredEnd, capturedEnd: capturedEnd)
        }
        guard fits(8) else { return nil }
        let preamble = b.u8(u)
        // HLEN: the top 5 bits of the second byte, in 4-byte words, optional fields included.
        let headerLength = Int(b.u8(u + 1) >> 3) * 4
        if p.options.rules == .nfstream {
            // NFStream checks only the preamble's type nibble, then takes anything more than 32
            // bytes after the header as an 802.11 data frame (24-byte header, LLC/SNAP) and
            // never counts it in the outer flow: what is not such a frame is read as NFStream
            // reads it (an IP header 32 bytes on when its version nibble says so, else ignored).
            guard preamble & 0x0F == 0, u + headerLength + 32 < b.count else { return nil }
            if let inner = capwapPayload(b, &p, at: u, headerLength: headerLength, declaredEnd: declaredEnd,
                                         capturedEnd: capturedEnd) { return inner }
            // Its protocol is still the outer UDP, so the tunnel test runs again on the guessed
            // IPv4 header and ignores the packet when no UDP header fits after it.
            let guess = u + headerLength + 32
            if b.u8(guess) >> 4 == 4 && b.count < guess + Int(b.u8(guess) & 0x0F) * 4 + 8 {
                p.kind = .notIP
                return nil
            }
            return Encapsulation(kind: .capwap, payload: .nfstreamGuess, offset: guess, rule: .within)
        }
        guard preamble == 0 else { return nil }
        return capwapPayload(b, &p, at: u, headerLength: headerLength, declaredEnd: declaredEnd, capturedEnd: capturedEnd)
    }

    /// The length of an 802.11 data frame's MAC header from its Frame Control bytes, or nil
    /// when the frame is not an unprotected data frame with a body.
    private static func dataFrameHeaderLength(_ control: UInt8, _ control2: UInt8) -> Int? {
        let subtype = control >> 4
        // Type 2 (data); subtypes with bit 0x4 carry no body; 0x40 in the second byte: protected.
        guard control & 0x0C == 0x08, control & 0x03 == 0, subtype & 0x04 == 0, control2 & 0x40 == 0 else { return nil }
        var length = 24
        if control2 & 0x03 == 0x03 { length += 6 }  // To DS and From DS: a fourth address
        if subtype & 0x08 != 0 {
            length += 2  // QoS control
            if control2 & 0x80 != 0 { length += 4 }  // HT control (Order bit in a QoS frame)
        }
        return length
    }

    /// The Ethernet or 802.11 data frame after a CAPWAP header of `headerLength` bytes at `u`.
    private static func capwapPayload(_ b: UnsafeRawBufferPointer, _ p: inout DecodedPacket, at u: Int,
                                      headerLength: Int, declaredEnd: Int, capturedEnd: Int) -> Encapsulation? {
        func fits(_ need: Int) -> Bool {
            headerFits(&p, .capwap, at: u, need: need, declaredEnd: declaredEnd, capturedEnd: capturedEnd)
        }
        let bits = b.u8(u + 2)
        let flags = b.u8(u + 3)
        // F (fragment, 0x80) and K (keep-alive, 0x08): no whole frame follows.
        guard headerLength >= 8, fits(headerLength), flags & 0x88 == 0 else { return nil }
        let o = u + headerLength
        // T (native frame, the last bit of the third byte) clear: IEEE 802.3.
        guard bits & 0x01 != 0 else {
            return Encapsulation(kind: .capwap, payload: .ethernet, offset: o, rule: .within)
        }
        // WBID (5 bits before T): 1 = IEEE 802.11.
        guard (bits >> 1) & 0x1F == 1, fits(headerLength + 24) else { return nil }
        // Cisco access points send the Frame Control field byte-swapped (Wireshark's CAPWAP
        // "swap frame control"): the order whose header is followed by LLC/SNAP is taken.
        var llc = -1
        for order in 0..<2 {
            let swapped = order == 1
            let control = b.u8(swapped ? o + 1 : o)
            let control2 = b.u8(swapped ? o : o + 1)
            guard let wifiLength = dataFrameHeaderLength(control, control2), fits(headerLength + wifiLength + 8) else {
                continue
            }
            let at = o + wifiLength
            if b.be16(at) == 0xAAAA, b.u8(at + 2) == 0x03, b.be16(at + 3) == 0, b.u8(at + 5) == 0 {
                llc = at
                break
            }
        }
        guard llc >= 0 else { return nil }
        switch EtherType(rawValue: b.be16(llc + 6)) {
        case .ipv4: return Encapsulation(kind: .capwap, payload: .ipv4, offset: llc + 8, rule: .within)
        case .ipv6: return Encapsulation(kind: .capwap, payload: .ipv6, offset: llc + 8, rule: .within)
        default: return nil
        }
    }
}
