/// Decodes captured frames into a reused ``DecodedPacket``.
///
/// One entry point per starting layer is chosen by the capture's link type; each header
/// decoder checks once that its header fits, then reads fields directly. A header that
/// does not fit records a ``Truncation`` and decoding stops there, keeping what was read.
public enum PacketDecoder {
    /// Nesting limit for VLAN tags, MPLS labels and IPv6 extension headers, so a hostile
    /// frame cannot make the decoder loop long.
    static let maxNesting = 16

    /// Decodes one captured frame into `packet`.
    ///
    /// With `decapsulate` (the default), a packet that carries another IP packet in a tunnel
    /// (IP-in-IP, GRE, VXLAN, Geneve, GTP-U, Teredo) is decoded down to the innermost packet:
    /// the outer layers go to `packet.tunnels`, outermost first, and the main fields describe
    /// the inner packet. See ``TunnelLayer`` for which packets count as tunnelled.
    ///
    /// With `details`, it also reads what only feature groups use (the frame's MAC addresses,
    /// a SYN's MSS and window scale options), which the core path does not pay for.
    public static func decode(_ bytes: UnsafeRawBufferPointer, linkType: LinkType, decapsulate: Bool = true,
                              details: Bool = false, into packet: inout DecodedPacket) {
        decode(bytes, linkType: linkType, options: DecodeOptions(tunnels: decapsulate ? .all : [], details: details),
               into: &packet)
    }

    /// Decodes one captured frame into `packet`, taking off the tunnels in `options.tunnels`
    /// and reading headers by `options.rules` (see ``HeaderRules``).
    @inline(__always)  // once per packet, from the file session and the pipeline
    public static func decode(_ bytes: UnsafeRawBufferPointer, linkType: LinkType, options: DecodeOptions,
                              into packet: inout DecodedPacket) {
        packet.reset()
        packet.options = options
        if options.rules == .nfstream && !nfstreamReads(bytes, linkType) {
            packet.kind = .notIP
            return
        }
        if linkType == .ethernet, bytes.count >= 14, bytes.be16(12) == EtherType.ipv4.rawValue {
            // The commonest frame, untagged Ethernet carrying IPv4, straight to its IPv4
            // header: what decodeLink → decodeEthernet → decodeEtherType would do, minus three calls.
            if options.details { readMACs(bytes, into: &packet) }
            decodeIPv4(bytes, at: 14, into: &packet)
        } else {
            packet.destinationMAC = 0
            packet.sourceMAC = 0
            decodeLink(bytes, linkType: linkType, into: &packet)
        }
        if !options.tunnels.isEmpty && mayCarryTunnel(packet) { decapsulateTunnels(bytes, into: &packet) }
    }

    /// NFStream ignores frames of fewer than 28 captured bytes ("min IP + min UDP", counted
    /// from the link header) and link types its `packet_datalink_checker` does not know.
    static func nfstreamReads(_ bytes: UnsafeRawBufferPointer, _ linkType: LinkType) -> Bool {
        guard bytes.count >= 28 else { return false }
        switch linkType {
        case .null, .ethernet, .ppp, .pppHDLC, .ciscoHDLC, .linuxSLL, .ipv4, .ipv6, .raw, .rawOpenBSD, .rawBSD: return true
        default: return false
        }
    }

    /// Decodes an IP datagram that ``FragmentReassembler`` put together, in place of the
    /// fragment that completed it: `packet.tunnels` and `packet.vlanID` (the completing
    /// fragment's) are kept, the main fields then describe the datagram, and its offsets
    /// (`ipOffset`) refer to `datagram`, not to the captured frame.
    public static func decodeReassembled(_ datagram: UnsafeRawBufferPointer, decapsulate: Bool = true,
                                         into packet: inout DecodedPacket) {
        decodeReassembled(datagram, options: DecodeOptions(tunnels: decapsulate ? .all : []), into: &packet)
    }

    /// ``decodeReassembled(_:decapsulate:into:)`` with the tunnels and header rules of `options`.
    public static func decodeReassembled(_ datagram: UnsafeRawBufferPointer, options: DecodeOptions,
                                         into packet: inout DecodedPacket) {
        let vlanID = packet.vlanID
        packet.resetLayer()
        packet.options = options
        decodeIPByVersion(datagram, at: 0, into: &packet)
        packet.vlanID = vlanID
        if !options.tunnels.isEmpty { decapsulateTunnels(datagram, into: &packet) }
    }

    @inline(__always)
    static func truncated(_ packet: inout DecodedPacket, _ layer: Layer, at offset: Int, need: Int, have: Int) {
        if packet.truncation == nil {
            packet.truncation = Truncation(layer: layer, offset: offset, required: need, available: max(0, have))
        }
    }

    @inline(__always)
    static func malformed(_ packet: inout DecodedPacket, _ reason: Malformation) {
        packet.kind = .malformed
        packet.malformation = reason
    }
}
