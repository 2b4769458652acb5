/// The header layers flowcsv decodes, named in truncation reports.
public enum Layer: String, Sendable {
    case link, vlan, mpls, pppoe, ppp, ipv4, ipv6, ipv6Extension = "ipv6-extension", tcp, udp, icmp, icmpv6
    /// Tunnel headers (GRE includes the PPTP and ERSPAN headers that follow it).
    case gre, vxlan, geneve, gtpU = "gtp-u", teredo, tzsp, capwap, ayiya
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

/// Why a packet was judged malformed (a plain value, so that clearing a layer costs no release).
public enum Malformation: Sendable, Equatable, CustomStringConvertible {
    case ipv4Version(UInt8)
    case ipv4HeaderLength(Int)
    case ipv4TotalLength(Int, headerLength: Int)
    case ipv6Version(UInt8)
    case tooManyIPv6ExtensionHeaders
    case tooManyVLANTags
    case tooManyMPLSLabels
    case nflogTLVLength(Int)
    case rawLinkIPVersion(UInt8)

    public var description: String {
        switch self {
        case .ipv4Version(let v): "IPv4 header with version \(v)"
        case .ipv4HeaderLength(let l): "IPv4 header length \(l) < 20"
        case .ipv4TotalLength(let t, let h): "IPv4 total length \(t) < header length \(h)"
        case .ipv6Version(let v): "IPv6 header with version \(v)"
        case .tooManyIPv6ExtensionHeaders: "more than \(PacketDecoder.maxNesting) IPv6 extension headers"
        case .tooManyVLANTags: "more than \(PacketDecoder.maxNesting) VLAN tags"
        case .tooManyMPLSLabels: "more than \(PacketDecoder.maxNesting) MPLS labels"
        case .nflogTLVLength(let l): "NFLOG TLV length \(l) < 4"
        case .rawLinkIPVersion(let v): "IP version \(v) on a raw-IP link"
        }
    }
}

/// The fields that describe one IP layer of a ``DecodedPacket``: everything the decoders set
/// for a packet except the frame's VLAN id and the tunnel layers. One value, so that clearing
/// a layer (assigning a fresh value) and saving or restoring it around a tunnel candidate
/// (copying it) always cover every field. ``DecodedPacket`` forwards each field by name.
public struct LayerFields: Sendable, Equatable {
    // Declared widest first, and the fields that start at -1 together, so that a fresh value
    // is a few wide stores (the decoder clears one per packet).

    public var source = IPAddress.zero
    public var destination = IPAddress.zero
    /// IPv4 total length, or 40 + IPv6 payload length: the packet's IP bytes on the wire.
    public var ipLength: Int = 0
    /// Offset of the IP header in the frame.
    public var ipOffset: Int = 0
    /// Fragment offset in bytes (IPv4 flags/offset, or the IPv6 Fragment header).
    public var fragmentOffset: Int = 0
    /// The TCP header length the data offset field declares (data offset × 4, options
    /// included), as read: it may be below 20 or run past the IP payload or the captured
    /// bytes. 0 when the fixed header was not captured.
    public var tcpHeaderLength: Int = 0
    /// Transport payload length from the IP length fields (not from captured bytes); 0 for
    /// non-first fragments and protocols without a decoded transport header.
    public var payloadLength: Int = 0
    // Offsets the tunnel decoder and the fragment reassembler need; relative to `ipOffset`.
    /// Bytes of the IP packet present in the buffer, clipped to `ipLength`.
    var ipCapturedLength: Int = 0
    /// Where the IPv6 Fragment header starts, when `isFragment` and `ipVersion == 6`.
    var fragmentHeaderOffset: Int = 0
    /// IPv4 IHL × 4, or 40 for IPv6 (see ``ipHeaderLength``).
    var fixedIPHeaderLength: Int = 0
    /// The UDP header's length field, or -1 (Zeek sizes UDP payloads from it).
    public var udpLength: Int = -1
    /// Where the transport header starts (after IPv6 extension headers); -1 when not reached.
    var transportOffset: Int = -1

    /// IPv4 identification or IPv6 Fragment header id.
    public var fragmentID: UInt32 = 0
    /// TCP fields, valid when `hasTCPHeader` (the 20-byte fixed header was captured).
    public var sequence: UInt32 = 0
    public var acknowledgment: UInt32 = 0
    public var window: UInt16 = 0
    /// The TCP MSS option of a SYN, 0 when absent (options are read on SYNs only, and only
    /// when decoding with ``DecodeOptions/details``).
    public var tcpMSS: UInt16 = 0
    /// IPv4 TTL or IPv6 hop limit.
    public var ttl: UInt8 = 0
    /// The TCP window scale option's shift of a SYN, valid when `hasWindowScale`.
    public var tcpWindowScale: UInt8 = 0
    public var hasWindowScale = false
    /// Ports, valid when `hasPorts`.
    public var sourcePort: UInt16 = 0
    public var destinationPort: UInt16 = 0
    /// 4 or 6.
    public var ipVersion: UInt8 = 0
    /// Transport protocol after any IPv6 extension headers.
    public var ipProtocol: UInt8 = 0
    public var tcpFlags: UInt8 = 0
    /// ICMP/ICMPv6 type and code, valid when `ipProtocol` is ICMP or ICMPv6 and `hasPorts`.
    public var icmpType: UInt8 = 0
    public var icmpCode: UInt8 = 0
    /// IPv4 MF flag or IPv6 M flag; `isFragment` when either it or `fragmentOffset` is set.
    public var isFragment = false
    public var moreFragments = false
    /// Ports were read (TCP/UDP/SCTP with ≥ 4 header bytes captured, or ICMP type/code mapped to ports).
    public var hasPorts = false
    /// The 20-byte fixed TCP header was captured.
    public var hasTCPHeader = false
    /// Whether Zeek would use this TCP header (`TCPAnalyzer::ExtractTCP_Header`): it ignores
    /// the segment, with the weird `bad_TCP_header_len` or `truncated_header`, when
    /// `tcpHeaderLength` is below 20 or runs past the IP payload or past the captured bytes.
    public var tcpHeaderUsable = false

    public var kind: PacketKind = .notIP
    /// Set when some header was cut short by the capture's snap length (or by a broken
    /// length field); the packet is still counted, with what could be read.
    public var truncation: Truncation?
    /// Why the packet was judged malformed, when `kind == .malformed`.
    public var malformation: Malformation?

    public init() {}

    /// IP header bytes: IPv4 IHL × 4, or IPv6 40 + the extension headers before the transport
    /// header (40 when it was not reached). Derived, so decoding stores nothing for it.
    public var ipHeaderLength: Int { transportOffset >= 0 ? transportOffset : fixedIPHeaderLength }

    /// Transport header bytes inside the IP packet: TCP data offset × 4 (at least 20), UDP and
    /// ICMP 8, each clipped to the IP payload; 0 for other protocols, non-first fragments and
    /// transport headers too short for their ports. Derived from the IP length fields.
    public var transportHeaderLength: Int {
        guard hasPorts, transportOffset >= 0 else { return 0 }
        switch IPProtocol(rawValue: ipProtocol) {
        case .tcp, .udp, .icmp, .icmpv6: return max(0, ipLength - transportOffset - payloadLength)
        default: return 0
        }
    }
}

/// One packet, decoded in place. A single value is reused for every packet of a file:
/// `PacketDecoder.decode` resets every field it sets, and nothing here allocates.
///
/// The fields of the (innermost) IP layer live in ``layer``; the properties of the same names
/// below read and write them there.
public struct DecodedPacket: Sendable {
    /// The innermost IP layer's fields (see ``LayerFields`` for each one).
    public var layer = LayerFields()

    /// Outermost 802.1Q/802.1ad VLAN id of the captured frame, 0 when untagged. Tags inside a
    /// tunnelled Ethernet frame (VXLAN, Geneve, GRE bridging, ERSPAN) belong to the overlay and
    /// are not used: a tunnelled packet and all its `tunnels` carry the captured frame's id.
    public var vlanID: UInt16 = 0

    /// The captured frame's Ethernet source and destination addresses (48 bits, first byte
    /// most significant); 0 on other link types. Inner Ethernet headers of tunnels are not used.
    /// (Cleared by ``PacketDecoder/decode`` for frames that do not take its Ethernet fast path.)
    public var sourceMAC: UInt64 = 0
    public var destinationMAC: UInt64 = 0

    /// The encapsulating layers of a tunnelled packet, outermost first; empty when the packet
    /// was not tunnelled (or decoded with `decapsulate: false`). The fields of ``layer`` always
    /// describe the innermost packet. The array keeps its capacity from packet to packet, so
    /// decoding does not allocate once a few tunnelled packets have been seen (as long as no
    /// copy of this value is held while the next packet is decoded).
    public var tunnels: [TunnelLayer] = []

    /// What the decoder decodes (set by ``PacketDecoder/decode(_:linkType:options:into:)``; kept
    /// across packets, not part of the packet).
    public var options = DecodeOptions()

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
        layer = LayerFields()
    }
}

// Each field of `LayerFields`, by name on the packet.
extension DecodedPacket {
    public var kind: PacketKind {
        @inline(__always) get { layer.kind }
        @inline(__always) set { layer.kind = newValue }
    }
    public var truncation: Truncation? {
        @inline(__always) get { layer.truncation }
        @inline(__always) set { layer.truncation = newValue }
    }
    public var malformation: Malformation? {
        @inline(__always) get { layer.malformation }
        @inline(__always) set { layer.malformation = newValue }
    }
    /// Why the packet was judged malformed, in words; empty unless `kind == .malformed`.
    public var malformedReason: String { layer.malformation?.description ?? "" }
    public var ipVersion: UInt8 {
        @inline(__always) get { layer.ipVersion }
        @inline(__always) set { layer.ipVersion = newValue }
    }
    public var source: IPAddress {
        @inline(__always) get { layer.source }
        @inline(__always) set { layer.source = newValue }
    }
    public var destination: IPAddress {
        @inline(__always) get { layer.destination }
        @inline(__always) set { layer.destination = newValue }
    }
    public var ipProtocol: UInt8 {
        @inline(__always) get { layer.ipProtocol }
        @inline(__always) set { layer.ipProtocol = newValue }
    }
    public var ipLength: Int {
        @inline(__always) get { layer.ipLength }
        @inline(__always) set { layer.ipLength = newValue }
    }
    public var ipOffset: Int {
        @inline(__always) get { layer.ipOffset }
        @inline(__always) set { layer.ipOffset = newValue }
    }
    public var isFragment: Bool {
        @inline(__always) get { layer.isFragment }
        @inline(__always) set { layer.isFragment = newValue }
    }
    public var fragmentOffset: Int {
        @inline(__always) get { layer.fragmentOffset }
        @inline(__always) set { layer.fragmentOffset = newValue }
    }
    public var moreFragments: Bool {
        @inline(__always) get { layer.moreFragments }
        @inline(__always) set { layer.moreFragments = newValue }
    }
    public var fragmentID: UInt32 {
        @inline(__always) get { layer.fragmentID }
        @inline(__always) set { layer.fragmentID = newValue }
    }
    public var hasPorts: Bool {
        @inline(__always) get { layer.hasPorts }
        @inline(__always) set { layer.hasPorts = newValue }
    }
    public var sourcePort: UInt16 {
        @inline(__always) get { layer.sourcePort }
        @inline(__always) set { layer.sourcePort = newValue }
    }
    public var destinationPort: UInt16 {
        @inline(__always) get { layer.destinationPort }
        @inline(__always) set { layer.destinationPort = newValue }
    }
    public var hasTCPHeader: Bool {
        @inline(__always) get { layer.hasTCPHeader }
        @inline(__always) set { layer.hasTCPHeader = newValue }
    }
    public var tcpHeaderLength: Int {
        @inline(__always) get { layer.tcpHeaderLength }
        @inline(__always) set { layer.tcpHeaderLength = newValue }
    }
    public var tcpHeaderUsable: Bool {
        @inline(__always) get { layer.tcpHeaderUsable }
        @inline(__always) set { layer.tcpHeaderUsable = newValue }
    }
    public var tcpFlags: UInt8 {
        @inline(__always) get { layer.tcpFlags }
        @inline(__always) set { layer.tcpFlags = newValue }
    }
    public var sequence: UInt32 {
        @inline(__always) get { layer.sequence }
        @inline(__always) set { layer.sequence = newValue }
    }
    public var acknowledgment: UInt32 {
        @inline(__always) get { layer.acknowledgment }
        @inline(__always) set { layer.acknowledgment = newValue }
    }
    public var window: UInt16 {
        @inline(__always) get { layer.window }
        @inline(__always) set { layer.window = newValue }
    }
    public var ipHeaderLength: Int { layer.ipHeaderLength }
    public var transportHeaderLength: Int { layer.transportHeaderLength }
    var fixedIPHeaderLength: Int {
        @inline(__always) get { layer.fixedIPHeaderLength }
        @inline(__always) set { layer.fixedIPHeaderLength = newValue }
    }
    public var tcpMSS: UInt16 {
        @inline(__always) get { layer.tcpMSS }
        @inline(__always) set { layer.tcpMSS = newValue }
    }
    public var ttl: UInt8 {
        @inline(__always) get { layer.ttl }
        @inline(__always) set { layer.ttl = newValue }
    }
    public var tcpWindowScale: UInt8 {
        @inline(__always) get { layer.tcpWindowScale }
        @inline(__always) set { layer.tcpWindowScale = newValue }
    }
    public var hasWindowScale: Bool {
        @inline(__always) get { layer.hasWindowScale }
        @inline(__always) set { layer.hasWindowScale = newValue }
    }
    public var payloadLength: Int {
        @inline(__always) get { layer.payloadLength }
        @inline(__always) set { layer.payloadLength = newValue }
    }
    public var icmpType: UInt8 {
        @inline(__always) get { layer.icmpType }
        @inline(__always) set { layer.icmpType = newValue }
    }
    public var icmpCode: UInt8 {
        @inline(__always) get { layer.icmpCode }
        @inline(__always) set { layer.icmpCode = newValue }
    }
    public var udpLength: Int {
        @inline(__always) get { layer.udpLength }
        @inline(__always) set { layer.udpLength = newValue }
    }
    var transportOffset: Int {
        @inline(__always) get { layer.transportOffset }
        @inline(__always) set { layer.transportOffset = newValue }
    }
    var ipCapturedLength: Int {
        @inline(__always) get { layer.ipCapturedLength }
        @inline(__always) set { layer.ipCapturedLength = newValue }
    }
    var fragmentHeaderOffset: Int {
        @inline(__always) get { layer.fragmentHeaderOffset }
        @inline(__always) set { layer.fragmentHeaderOffset = newValue }
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
    public static let ece: UInt8 = 0x40
    public static let cwr: UInt8 = 0x80
}
