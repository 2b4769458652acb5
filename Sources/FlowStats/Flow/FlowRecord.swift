/// Per-direction counters. "Forward" is client → server, "backward" server → client.
/// (IP and payload byte sums are in the ``SizeTiming`` group: only its columns read them.)
public struct DirectionCounters: Sendable, Equatable {
    /// 64-bit: a long flow can pass 2^32 packets and bytes.
    public var packets: Int = 0
    /// Sum of the frames' original (wire) lengths, link layer included.
    public var wireBytes: Int = 0

    @inline(__always)
    mutating func add(wireLength: Int) {
        packets += 1
        wireBytes += wireLength
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
///
/// The core record holds only what every schema needs on every packet (key, times, counters,
/// TCP lifecycle, uid, tunnel parents, and Zeek's engine for ConnState and History). What only
/// some columns read lives in feature groups (``FeatureSet``), in side tables by flow slot.
public struct FlowRecord: Sendable {
    // Field order is memory order: Swift lays fields out in declaration order, so the 8-byte
    // fields come first and the small ones fill the gaps behind them (a structural test bounds
    // the size). What every packet reads and writes comes first and together.
    public var key: FlowKey
    /// Whether the client is `key.lower` (else `key.upper`).
    public var clientIsLower: Bool
    /// The orientation the flow was created with (Zeek's engine keeps it).
    var createdClientIsLower: Bool
    public var firstNs: Int64
    public var lastNs: Int64
    public var forward = DirectionCounters()
    public var backward = DirectionCounters()
    /// A deterministic id for the flow (`uid` in the Zeek schema; see ``FlowUID``).
    public var uid: UInt64 = 0
    /// The encapsulation of the last tunnelled packet (a hash of its tunnel layers), for Zeek's
    /// `Tunnel::max_changes_per_connection`.
    var lastEncapsulation: UInt64 = 0
    /// The tunnel flows that carried this flow's packets (immediate parents), in the order first seen.
    public private(set) var tunnelParents: [TunnelParent] = []
    public var tcp = TCPLifecycle()
    /// Outermost VLAN id of the first packet (0 when untagged).
    public var vlanID: UInt16
    /// How often the encapsulation changed (see `lastEncapsulation`).
    var encapsulationChanges: UInt16 = 0
    /// Whether the roles have been swapped since creation, to follow Zeek.
    var rolesSwapped = false
    /// Set after an active-timeout split until the flow's next packet: a placeholder that keeps
    /// the direction and connection state, and is dropped if no packet comes.
    var awaitingContinuation = false
    public var endReason: EndReason = .eof
    /// The flow table's bookkeeping, in bytes that padding would otherwise take: whether the
    /// slot holds a live flow, and the token of the flow's current expiry-queue entry.
    var live = false
    var queueToken: UInt32 = 0
    /// The deadline of the flow's current expiry-queue entry: a packet queues a new entry only
    /// when its deadline is earlier (a later one is found when this entry fires, and re-queued).
    var queuedDeadlineNs: Int64 = .max
    /// Zeek's view of the connection: conn_state, history, sequence-based sizes, its own
    /// packet counts and duration.
    public var zeek: ZeekConnection

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
    /// direction and the connection state (TCP lifecycle, sequence positions). The flow
    /// table splits the feature groups with it.
    mutating func startContinuation() {
        awaitingContinuation = true
        endReason = .eof
        forward = DirectionCounters()
        backward = DirectionCounters()
    }

    /// Zeek decided mid-connection that the roles are the other way round (a SYN-ACK seen
    /// before its SYN, a DNS response or NTP server message first): swap client and server,
    /// and the counters with them. The flow table
    /// swaps the feature groups with it.
    mutating func swapRoles() {
        rolesSwapped.toggle()
        clientIsLower.toggle()
        swap(&forward, &backward)
    }

    mutating func addTunnelParent(_ parent: TunnelParent) {
        if tunnelParents.count < 8 && !tunnelParents.contains(where: { $0.uid == parent.uid }) {
            tunnelParents.append(parent)
        }
    }
}
