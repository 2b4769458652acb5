/// The first-packets group (`--splt N`): the direction, wire length and capture time of the
/// first N packets of each flow (N = ``FeatureOptions/firstPackets``), and nothing after them.
///
/// Storage: one array per flow, reserved to N entries at the flow's first packet (one
/// allocation per flow, none per packet); 16 B per kept packet, 8 B in the side table. A flow
/// keeps at most N entries; after the N-th packet an update is one comparison.
public struct FirstPackets: FlowFeature, Equatable {
    static var group: FeatureSet { .firstPackets }

    /// One kept packet.
    public struct Packet: Sendable, Equatable {
        /// Capture time, ns.
        public var timeNs: Int64
        /// Wire (frame) length, signed: + client → server, − server → client.
        public var signedSize: Int32
    }

    /// The kept packets, in arrival order (at most N).
    public private(set) var packets: [Packet] = []

    public init() {}
    init(options: borrowing FeatureOptions) { self.init() }

    @inline(__always)
    mutating func update(_ p: borrowing PacketView, options: borrowing FeatureOptions) {
        let limit = options.firstPackets
        guard packets.count < limit else { return }
        if packets.capacity < limit { packets.reserveCapacity(limit) }
        let size = Int32(clamping: p.wireLength)
        packets.append(Packet(timeNs: p.timeNs, signedSize: p.fromClient ? size : -size))
    }

    /// A continuation row keeps its own first packets: the ones after the split.
    mutating func split(options: borrowing FeatureOptions) { packets.removeAll(keepingCapacity: true) }

    mutating func swapDirections() {
        for i in packets.indices { packets[i].signedSize = -packets[i].signedSize }
    }

    /// Signed wire length of packet `position` (0-based): + client → server, − server → client;
    /// 0 when the flow has no such packet.
    @inline(__always)
    public func signedSize(_ position: Int) -> Int {
        position < packets.count ? Int(packets[position].signedSize) : 0
    }

    /// Time from packet `position − 1` to packet `position` (0-based), ns; 0 for the first
    /// packet and for positions the flow does not have.
    @inline(__always)
    public func interArrivalNs(_ position: Int) -> Int64 {
        guard position > 0, position < packets.count else { return 0 }
        return packets[position].timeNs - packets[position - 1].timeNs
    }
}
