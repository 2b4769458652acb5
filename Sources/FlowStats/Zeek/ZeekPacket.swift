/// The transport kinds Zeek's connection engine treats differently (`TransportProto`:
/// TCP, UDP, ICMP/ICMPv6, and "unknown" IP protocols such as SCTP or GRE).
public enum ZeekProtocol: Sendable, Equatable {
    case tcp, udp, icmp, other
}

/// What ``ZeekConnection/add(_:)`` did with a packet.
public enum ZeekAddResult: Sendable, Equatable {
    /// The packet belongs to this connection and has been accounted (or deliberately
    /// ignored, as Zeek ignores a bad-checksum packet, apart from its history letter).
    case accepted
    /// Zeek would end this connection here and start a new one with this packet
    /// (`TCPSessionAdapter::IsReuse` returned true in `IPBasedAnalyzer::AnalyzePacket`).
    /// Nothing was accounted: log this connection as it is, then make a new
    /// ``ZeekConnection`` (deciding its flip from this packet) and add the packet to it.
    case newConnection
}

/// The per-packet facts the Zeek engine needs, filled by the flow table from a
/// ``DecodedPacket``. Nothing here is a reference type: building one never allocates.
public struct ZeekPacket: Sendable, Equatable {
    /// Sent by the originator, as the flow table decided it when the connection was made
    /// (after applying ``ZeekConnection/shouldFlip(protocol:firstPacketFlags:sourcePort:destinationPort:destinationIsBroadcast:likelyServerPorts:)``).
    /// Keep passing it in that orientation even after Zeek swaps the roles in the middle
    /// of a connection: the engine maps it (see ``ZeekConnection/rolesSwapped``).
    public var isOrig: Bool
    /// Capture time of the packet, ns since the epoch.
    public var timestampNs: Int64
    /// IPv4 total length, or 40 + IPv6 payload length: what Zeek's ConnSize analyzer adds
    /// to `orig_ip_bytes`/`resp_ip_bytes` (`IP_Hdr::TotalLen`).
    public var ipLength: Int
    /// TCP flag byte (FIN 0x01 … URG 0x20); 0 for non-TCP.
    public var tcpFlags: UInt8
    public var sequence: UInt32
    public var acknowledgment: UInt32
    /// The TCP window field as sent (unscaled).
    public var window: UInt16
    /// Transport payload length from the IP length fields: TCP data after the header,
    /// UDP data after the 8-byte header, ICMP message after its first 8 bytes (Zeek's
    /// `len - 8` in `ICMPAnalyzer::DeliverPacket`), 0 otherwise.
    public var payloadLength: Int
    /// How many of those payload bytes the capture holds (snap length). Zeek feeds a TCP
    /// segment to its reassembler only when it is complete (`TCP_Endpoint::DataSent`:
    /// `caplen >= len`), and counts an ICMP packet only when complete
    /// (`ICMPAnalyzer::DeliverPacket`: `remaining >= len`). Ethernet padding may make it
    /// larger than `payloadLength`; that is fine.
    public var capturedPayloadLength: Int
    /// The UDP header's length field, when known. Zeek sizes UDP from it
    /// (`UDPAnalyzer::DeliverPacket`: `ulen - 8`), not from the IP length; nil means
    /// `payloadLength + 8`.
    public var udpLengthField: Int?
    /// False when checksum verification found a bad TCP/UDP/ICMP checksum. Zeek (without
    /// `-C`) drops such a packet after recording `C`/`c` in the history (TCP, UDP); it is
    /// neither counted nor sized. Leave true when checksums are not verified.
    public var checksumValid: Bool
    /// False when the TCP header could not be used (data offset < 5, or beyond the IP
    /// payload or the captured bytes): Zeek keeps the connection but ignores the packet
    /// (`TCPAnalyzer::ExtractTCP_Header`).
    public var headerComplete: Bool
    /// The first payload bytes of a UDP datagram, for the DNS / NTP analyzers (``ZeekAnalyzerState``).
    public var peek: ZeekPayloadPeek

    public init(isOrig: Bool, timestampNs: Int64, ipLength: Int, tcpFlags: UInt8 = 0,
                sequence: UInt32 = 0, acknowledgment: UInt32 = 0, window: UInt16 = 0,
                payloadLength: Int = 0, capturedPayloadLength: Int? = nil, udpLengthField: Int? = nil,
                checksumValid: Bool = true, headerComplete: Bool = true, peek: ZeekPayloadPeek = .none) {
        self.peek = peek
        self.isOrig = isOrig
        self.timestampNs = timestampNs
        self.ipLength = ipLength
        self.tcpFlags = tcpFlags
        self.sequence = sequence
        self.acknowledgment = acknowledgment
        self.window = window
        self.payloadLength = payloadLength
        self.capturedPayloadLength = capturedPayloadLength ?? payloadLength
        self.udpLengthField = udpLengthField
        self.checksumValid = checksumValid
        self.headerComplete = headerComplete
    }
}
