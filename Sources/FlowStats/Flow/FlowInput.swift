/// What the flow table accounts for one packet at one IP layer: the innermost packet, or one
/// of the tunnel layers around it. Built without allocation from a ``DecodedPacket`` or a
/// ``TunnelLayer``.
struct FlowInput {
    var source: IPAddress
    var destination: IPAddress
    var sourcePort: UInt16
    var destinationPort: UInt16
    var ipProtocol: UInt8
    var vlanID: UInt16
    var ipLength: Int
    var payloadLength: Int
    /// Payload bytes present in the capture (less than `payloadLength` when cut by the snap length).
    var capturedPayloadLength: Int
    /// The UDP header's length field, or -1.
    var udpLength: Int
    var hasTCPHeader: Bool
    /// Whether Zeek would use this TCP header (``LayerFields/tcpHeaderUsable``, from the
    /// header length); false for tunnel layers.
    var tcpHeaderUsable: Bool
    var tcpFlags: UInt8
    var sequence: UInt32
    var acknowledgment: UInt32
    var window: UInt16
    /// False when checksum verification found this packet's transport checksum wrong.
    var checksumValid: Bool
    /// A non-zero id of the packet's tunnel layers, for the innermost packet of a tunnelled one.
    var encapsulation: UInt64 = 0
    /// The UDP payload's first bytes, for Zeek's DNS / NTP analyzers (``ZeekPayloadPeek``):
    /// set only under `--preset zeek`, for the innermost packet; ``ZeekPayloadPeek/none`` otherwise.
    var peek = ZeekPayloadPeek.none

    var isTCP: Bool { hasTCPHeader && ipProtocol == IPProtocol.tcp.rawValue }

    /// The innermost packet. `capturedLength` is the frame's captured length.
    @inline(__always)
    init(_ p: borrowing DecodedPacket, capturedLength: Int, checksumValid: Bool) {
        source = p.source
        destination = p.destination
        sourcePort = p.sourcePort
        destinationPort = p.destinationPort
        ipProtocol = p.ipProtocol
        vlanID = p.vlanID
        ipLength = p.ipLength
        payloadLength = p.payloadLength
        // The payload is at the end of the IP packet: what the capture lacks, it lacks there.
        let missing = max(0, p.ipOffset + p.ipLength - capturedLength)
        capturedPayloadLength = max(0, p.payloadLength - missing)
        udpLength = p.udpLength
        hasTCPHeader = p.hasTCPHeader
        tcpHeaderUsable = p.tcpHeaderUsable
        tcpFlags = p.tcpFlags
        sequence = p.sequence
        acknowledgment = p.acknowledgment
        window = p.window
        self.checksumValid = checksumValid
    }

    /// An encapsulating layer (its UDP/GRE/IP-in-IP flow).
    @inline(__always)
    init(_ t: TunnelLayer) {
        source = t.source
        destination = t.destination
        sourcePort = t.hasPorts ? t.sourcePort : 0
        destinationPort = t.hasPorts ? t.destinationPort : 0
        ipProtocol = t.ipProtocol
        vlanID = t.vlanID
        ipLength = t.ipLength
        payloadLength = t.payloadLength
        capturedPayloadLength = t.payloadLength
        udpLength = t.ipProtocol == IPProtocol.udp.rawValue ? t.payloadLength + 8 : -1
        hasTCPHeader = false
        tcpHeaderUsable = false
        tcpFlags = 0
        sequence = 0
        acknowledgment = 0
        window = 0
        checksumValid = true
    }

    /// The IPv4 limited broadcast address, toward which Zeek never flips roles.
    var destinationIsBroadcast: Bool { destination == IPAddress(ipv4: 0xFFFF_FFFF) }

    var zeekProtocol: ZeekProtocol {
        switch IPProtocol(rawValue: ipProtocol) {
        case .tcp: .tcp
        case .udp: .udp
        case .icmp, .icmpv6: .icmp
        default: .other
        }
    }
}
