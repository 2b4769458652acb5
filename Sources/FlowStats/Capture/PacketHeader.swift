/// What a capture file says about one packet, apart from its bytes.
public struct PacketHeader: Sendable, Equatable {
    /// Capture time in nanoseconds since the Unix epoch (UTC).
    public var timestampNs: Int64
    /// Bytes present in the capture (`caplen`).
    public var capturedLength: Int
    /// Length of the frame on the wire (`len`), at least `capturedLength`.
    public var wireLength: Int
    /// Link type of the interface the packet was captured on.
    public var linkType: LinkType

    public init(timestampNs: Int64, capturedLength: Int, wireLength: Int, linkType: LinkType) {
        self.timestampNs = timestampNs
        self.capturedLength = capturedLength
        self.wireLength = wireLength
        self.linkType = linkType
    }
}

/// How reading a capture file ended.
public enum ReadEnd: Sendable, Equatable {
    /// Every packet was read.
    case complete
    /// The file stops in the middle of a record; every complete packet before it was read.
    case truncated(String)
    /// A read error after some packets; those packets were kept.
    case failed(String)
}
