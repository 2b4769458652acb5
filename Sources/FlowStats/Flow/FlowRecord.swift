/// Per-direction counters. "Forward" is client → server, "backward" server → client.
public struct DirectionCounters: Sendable, Equatable {
    public var packets: Int = 0
    /// Sum of the frames' original (wire) lengths, link layer included.
    public var wireBytes: Int = 0
    /// Sum of IP total lengths (IP header included, no link layer).
    public var ipBytes: Int = 0
    /// Sum of transport payload lengths from the IP length fields.
    public var payloadBytes: Int = 0

    @inline(__always)
    mutating func add(wireLength: Int, ipLength: Int, payloadLength: Int) {
        packets += 1
        wireBytes += wireLength
        ipBytes += ipLength
        payloadBytes += payloadLength
    }
}

/// One flow: what the flow table keeps while it is live and what it hands out when it ends.
public struct FlowRecord: Sendable {
    public var key: FlowKey
    /// Whether the client is `key.lower` (else `key.upper`).
    public var clientIsLower: Bool
    public var firstNs: Int64
    public var lastNs: Int64
    public var forward = DirectionCounters()
    public var backward = DirectionCounters()
    public var tcp = TCPLifecycle()
    /// Sequence-number analytics, client → server and server → client.
    public var forwardTCP = TCPDirectionAnalytics()
    public var backwardTCP = TCPDirectionAnalytics()
    public var handshake = TCPHandshake()
    /// Packet sizes and inter-arrival times, per direction and for the whole flow.
    public var forwardStats = DirectionStats()
    public var backwardStats = DirectionStats()
    public var flowStats = DirectionStats()
    /// Outermost VLAN id of the first packet (0 when untagged).
    public var vlanID: UInt16
    public var endReason: EndReason = .eof
    /// Set after an active-timeout split until the flow's next packet: a placeholder that keeps
    /// the direction and connection state, and is dropped if no packet comes.
    var awaitingContinuation = false

    public var client: Endpoint { clientIsLower ? key.lower : key.upper }
    public var server: Endpoint { clientIsLower ? key.upper : key.lower }
    public var packets: Int { forward.packets + backward.packets }
    public var wireBytes: Int { forward.wireBytes + backward.wireBytes }
    public var durationNs: Int64 { lastNs - firstNs }

    /// After an active-timeout split: the next row counts afresh but keeps the key, the
    /// direction and the connection state (TCP lifecycle, sequence positions).
    mutating func startContinuation() {
        awaitingContinuation = true
        forward = DirectionCounters()
        backward = DirectionCounters()
        forwardStats = DirectionStats()
        backwardStats = DirectionStats()
        flowStats = DirectionStats()
        forwardTCP.resetCounters()
        backwardTCP.resetCounters()
        handshake = TCPHandshake()
    }
}
