/// Packet facts that only feature groups read (``PacketView/details``): taken from the decoded
/// packet by the flow table only when some group is enabled, so the core path never copies them.
struct PacketDetails {
    /// IPv4 TTL or IPv6 hop limit; 0 for tunnel layers.
    var ttl: UInt8 = 0
    /// The SYN's window scale option (valid when `hasWindowScale`) and MSS option (0: absent).
    var tcpWindowScale: UInt8 = 0
    var hasWindowScale = false
    var tcpMSS: UInt16 = 0
    /// IP header bytes (IPv6: with extension headers) and transport header bytes inside the
    /// IP packet (``LayerFields/ipHeaderLength``, ``LayerFields/transportHeaderLength``).
    var ipHeaderLength = 0
    var transportHeaderLength = 0
    /// The captured frame's Ethernet addresses (0 on other links), for every layer.
    var sourceMAC: UInt64 = 0
    var destinationMAC: UInt64 = 0

    init() {}

    /// The innermost packet.
    @inline(__always)
    init(_ p: borrowing DecodedPacket) {
        ttl = p.ttl
        tcpWindowScale = p.tcpWindowScale
        hasWindowScale = p.hasWindowScale
        tcpMSS = p.tcpMSS
        ipHeaderLength = p.ipHeaderLength
        transportHeaderLength = p.transportHeaderLength
        sourceMAC = p.sourceMAC
        destinationMAC = p.destinationMAC
    }

    /// An encapsulating layer of the frame `p` (UDP tunnels have an 8-byte UDP header; GRE and
    /// IP-in-IP count no transport header).
    init(_ t: TunnelLayer, frame p: borrowing DecodedPacket) {
        transportHeaderLength = t.hasPorts ? 8 : 0
        ipHeaderLength = max(0, t.ipLength - t.payloadLength - transportHeaderLength)
        sourceMAC = p.sourceMAC
        destinationMAC = p.destinationMAC
    }
}
