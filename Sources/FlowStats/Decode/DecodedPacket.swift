/// The header layers flowcsv decodes, named in truncation reports.
public enum Layer: String, Sendable {
    case link, vlan, mpls, pppoe, ppp, ipv4, ipv6, ipv6Extension = "ipv6-extension", tcp, udp, icmp, icmpv6
    /// Tunnel headers (GRE includes the PPTP and ERSPAN headers that follow it).
    case gre, vxlan, geneve, gtpU = "gtp-u", teredo
}

/// A header that did not fit in the captured bytes (after etherparse's `LenError`):
/// which layer, where it starts, how many bytes it needs and how many there were.
public struct Truncation: Sendable, Equatable, CustomStringConvertible {
    public var layer: Layer
    public var offset: Int
    public var required: Int
    public var available: Int

    public var description: String {
        "\(layer.rawValue) header at offset \(offset) needs \(required) bytes, \(available) captured"
    }
}

/// What kind of packet the decoder found.
public enum PacketKind: Sendable, Equatable {
    /// An IPv4 or IPv6 packet; network fields are set, transport fields as far as they could be read.
    case ip
    /// A frame that carries no IP (ARP, LLDP, PPPoE discovery…).
    case notIP
    /// A header that contradicts itself (IPv4 IHL < 5, wrong IP version…).
    case malformed
    /// Truncated before an IP header could be read.
    case truncated
    /// A link type flowcsv cannot decode (only possible per packet in pcapng).
    case unsupportedLink
}

/// One packet, decoded in place. A single value is reused for every packet of a file:
/// `PacketDecoder.decode` resets every field it sets, and nothing here allocates.
public struct DecodedPacket: Sendable {
    public var kind: PacketKind = .notIP
    /// Set when some header was cut short by the capture's snap length (or by a broken
    /// length field); the packet is still counted, with what could be read.
    public var truncation: Truncation?
    /// Why the packet was judged malformed, when `kind == .malformed`.
    public var malformedReason: String = ""

    /// Outermost 802.1Q/802.1ad VLAN id of the captured frame, 0 when untagged. Tags inside a
    /// tunnelled Ethernet frame (VXLAN, Geneve, GRE bridging, ERSPAN) belong to the overlay and
    /// are not used: a tunnelled packet and all its `tunnels` carry the captured frame's id.
    public var vlanID: UInt16 = 0

    /// 4 or 6.
    public var ipVersion: UInt8 = 0
    public var source = IPAddress.zero
    public var destination = IPAddress.zero
    /// Transport protocol after any IPv6 extension headers.
    public var ipProtocol: UInt8 = 0
    /// IPv4 total length, or 40 + IPv6 payload length: the packet's IP bytes on the wire.
    public var ipLength: Int = 0
    /// Offset of the IP header in the frame.
    public var ipOffset: Int = 0

    /// Fragment fields (IPv4 flags/offset, or the IPv6 Fragment header).
    public var isFragment = false
    public var fragmentOffset: Int = 0          // in bytes
    public var moreFragments = false
    public var fragmentID: UInt32 = 0

    /// Ports were read (TCP/UDP/SCTP with ≥ 4 header bytes captured, or ICMP type/code mapped to ports).
    public var hasPorts = false
    public var sourcePort: UInt16 = 0
    public var destinationPort: UInt16 = 0

    /// TCP fields, valid when `hasTCPHeader`.
    public var hasTCPHeader = false
    public var tcpFlags: UInt8 = 0
    public var sequence: UInt32 = 0
    public var acknowledgment: UInt32 = 0
    public var window: UInt16 = 0
    /// Transport payload length from the IP length fields (not from captured bytes); 0 for
    /// non-first fragments and protocols without a decoded transport header.
    public var payloadLength: Int = 0

    /// ICMP/ICMPv6 type and code, valid when `ipProtocol` is ICMP or ICMPv6 and `hasPorts`.
    public var icmpType: UInt8 = 0
    public var icmpCode: UInt8 = 0

    /// The encapsulating layers of a tunnelled packet, outermost first; empty when the packet
    /// was not tunnelled (or decoded with `decapsulate: false`). The fields above always
    /// describe the innermost packet. The array keeps its capacity from packet to packet, so
    /// decoding does not allocate once a few tunnelled packets have been seen (as long as no
    /// copy of this value is held while the next packet is decoded).
    public var tunnels: [TunnelLayer] = []

    // Offsets the tunnel decoder and the fragment reassembler need; relative to `ipOffset`.
    /// Where the transport header starts (after IPv6 extension headers); -1 when not reached.
    var transportOffset: Int = -1
    /// The UDP header's length field, or -1 (Zeek sizes UDP payloads from it).
    public var udpLength: Int = -1
    /// Bytes of the IP packet present in the buffer, clipped to `ipLength`.
    var ipCapturedLength: Int = 0
    /// Where the IPv6 Fragment header starts, when `isFragment` and `ipVersion == 6`.
    var fragmentHeaderOffset: Int = 0

    public init() {}

    /// Clears the per-packet fields before decoding the next packet.
    @inline(__always)
    mutating func reset() {
        if !tunnels.isEmpty { tunnels.removeAll(keepingCapacity: true) }
        vlanID = 0
        resetLayer()
    }

    /// Clears the fields that describe one IP layer (everything but `tunnels` and `vlanID`),
    /// before the packet inside a tunnel is decoded.
    @inline(__always)
    mutating func resetLayer() {
        kind = .notIP
        truncation = nil
        ipVersion = 0
        ipProtocol = 0
        ipLength = 0
        isFragment = false
        fragmentOffset = 0
        moreFragments = false
        fragmentID = 0
        hasPorts = false
        sourcePort = 0
        destinationPort = 0
        hasTCPHeader = false
        tcpFlags = 0
        payloadLength = 0
        icmpType = 0
        icmpCode = 0
        transportOffset = -1
        udpLength = -1
        ipCapturedLength = 0
        fragmentHeaderOffset = 0
    }
}

/// TCP header flag bits.
public enum TCPFlag {
    public static let fin: UInt8 = 0x01
    public static let syn: UInt8 = 0x02
    public static let rst: UInt8 = 0x04
    public static let psh: UInt8 = 0x08
    public static let ack: UInt8 = 0x10
    public static let urg: UInt8 = 0x20
}
