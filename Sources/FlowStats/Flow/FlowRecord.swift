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

/// A tunnel flow that carried an inner flow: its uid and its endpoints, client first.
public struct TunnelParent: Sendable, Equatable {
    public var uid: UInt64
    public var ipProtocol: UInt8
    public var client: Endpoint
    public var server: Endpoint

    /// `UDP 192.0.2.1:4789>192.0.2.2:4789`, IPv6 addresses in brackets.
    public var description: String {
        let proto = IPProtocol(rawValue: ipProtocol).keyword ?? String(ipProtocol)
        func text(_ e: Endpoint) -> String {
            let address = e.address.description
            return (e.address.isIPv4 ? address : "[" + address + "]") + ":" + String(e.port)
        }
        return proto + " " + text(client) + ">" + text(server)
    }
}

/// One flow: what the flow table keeps while it is live and what it hands out when it ends.
public struct FlowRecord: Sendable {
    // Field order is memory order: what every packet reads and writes comes first and
    // together (a few cache lines), what only rows or the extended schema read comes last.
    public var key: FlowKey
    /// Whether the client is `key.lower` (else `key.upper`).
    public var clientIsLower: Bool
    /// The orientation the flow was created with (Zeek's engine keeps it), and whether the
    /// roles have since been swapped to follow Zeek.
    var createdClientIsLower: Bool
    var rolesSwapped = false
    /// Set after an active-timeout split until the flow's next packet: a placeholder that keeps
    /// the direction and connection state, and is dropped if no packet comes.
    var awaitingContinuation = false
    public var firstNs: Int64
    public var lastNs: Int64
    public var forward = DirectionCounters()
    public var backward = DirectionCounters()
    public var tcp = TCPLifecycle()
    /// The encapsulation of the last tunnelled packet (a hash of its tunnel layers) and how
    /// often it changed, for Zeek's `Tunnel::max_changes_per_connection`.
    var lastEncapsulation: UInt64 = 0
    var encapsulationChanges: UInt16 = 0
    /// Zeek's view of the connection: conn_state, history, sequence-based sizes, its own
    /// packet counts and duration.
    public var zeek: ZeekConnection
    /// Outermost VLAN id of the first packet (0 when untagged).
    public var vlanID: UInt16
    public var endReason: EndReason = .eof
    /// A deterministic id for the flow (`uid` in the Zeek schema; see ``FlowUID``).
    public var uid: UInt64 = 0
    /// The tunnel flows that carried this flow's packets (immediate parents), in the order first seen.
    public private(set) var tunnelParents: [TunnelParent] = []
    /// Sequence-number analytics, client → server and server → client (extended schema).
    public var forwardTCP = TCPDirectionAnalytics()
    public var backwardTCP = TCPDirectionAnalytics()
    public var handshake = TCPHandshake()
    /// Packet sizes and inter-arrival times, per direction and for the whole flow (extended schema).
    public var forwardStats = DirectionStats()
    public var backwardStats = DirectionStats()
    public var flowStats = DirectionStats()

    init(key: FlowKey, clientIsLower: Bool, firstNs: Int64, lastNs: Int64, vlanID: UInt16, zeek: ZeekConnection) {
        self.key = key
        self.clientIsLower = clientIsLower
        self.createdClientIsLower = clientIsLower
        self.firstNs = firstNs
        self.lastNs = lastNs
        self.vlanID = vlanID
        self.zeek = zeek
    }

    public var client: Endpoint { clientIsLower ? key.lower : key.upper }
    public var server: Endpoint { clientIsLower ? key.upper : key.lower }
    public var packets: Int { forward.packets + backward.packets }
    public var wireBytes: Int { forward.wireBytes + backward.wireBytes }
    public var durationNs: Int64 { lastNs - firstNs }

    /// After an active-timeout split: the next row counts afresh but keeps the key, the
    /// direction and the connection state (TCP lifecycle, sequence positions).
    mutating func startContinuation() {
        awaitingContinuation = true
        endReason = .eof
        forward = DirectionCounters()
        backward = DirectionCounters()
        forwardStats = DirectionStats()
        backwardStats = DirectionStats()
        flowStats = DirectionStats()
        forwardTCP.resetCounters()
        backwardTCP.resetCounters()
        handshake = TCPHandshake()
    }

    /// Zeek decided mid-connection that the roles are the other way round (a SYN-ACK seen
    /// before its SYN): swap client and server, and every per-direction measure with them.
    mutating func swapRoles() {
        rolesSwapped.toggle()
        clientIsLower.toggle()
        swap(&forward, &backward)
        swap(&forwardStats, &backwardStats)
        swap(&forwardTCP, &backwardTCP)
    }

    mutating func addTunnelParent(_ parent: TunnelParent) {
        if tunnelParents.count < 8 && !tunnelParents.contains(where: { $0.uid == parent.uid }) {
            tunnelParents.append(parent)
        }
    }
}
