/// Bulk transfers of one direction (CICFlowMeter's "bulk" features, with its bugs fixed).
///
/// A bulk is a run of at least 4 consecutive payload packets from one side: a packet with
/// payload (from the IP length fields) joins the open run when it comes from the run's side
/// less than 1 s after the run's last payload packet; a gap of 1 s or more, or a payload packet
/// from the other side, starts a new run with that packet. Packets without payload (pure ACKs)
/// neither join nor break a run. A run counts as a bulk from its 4th packet on; a bulk's
/// duration is from its first to its last packet.
public struct BulkDirection: Sendable, Equatable {
    /// Runs that reached 4 payload packets.
    public internal(set) var bulks = 0
    /// Payload bytes of the packets in those bulks.
    public internal(set) var bytes = 0
    /// Packets in those bulks.
    public internal(set) var packets = 0
    /// Summed bulk durations (first to last packet of each), ns.
    public internal(set) var durationNs: Int64 = 0
    /// Every payload byte this direction sent (for the subflow averages), from the IP length fields.
    public internal(set) var payloadBytes = 0

    /// Bulk bytes per bulk; 0 without a bulk.
    public var bytesPerBulk: Double { bulks > 0 ? Double(bytes) / Double(bulks) : 0 }
    /// Bulk packets per bulk; 0 without a bulk.
    public var packetsPerBulk: Double { bulks > 0 ? Double(packets) / Double(bulks) : 0 }
    /// Summed bulk durations, seconds.
    public var durationSeconds: Double { Double(durationNs) / 1e9 }
    /// Bulk bytes ÷ summed bulk durations, bytes/s; 0 when that sum is 0.
    public var rate: Double { durationNs > 0 ? Double(bytes) / durationSeconds : 0 }
}

/// The bulk and subflow group: ``BulkDirection`` client → server and server → client, and the
/// subflow count, 1 + the number of gaps longer than 1 s between consecutive packets of the
/// flow (either direction). "Forward" is client → server.
///
/// Fixed against CICFlowMeter master: the forward bulk is computed (CIC #124 sent every packet
/// to the backward state), and a flow without a gap has one subflow (master divided by the
/// number of gaps, with integer division, and wrote 0 without one).
public struct BulkSubflow: FlowFeature, Equatable {
    static var group: FeatureSet { .bulkSubflow }

    /// A gap of this long or longer between two payload packets of a run ends it.
    static let bulkGapNs: Int64 = 1_000_000_000
    /// A gap longer than this between two packets of the flow starts a subflow.
    static let subflowGapNs: Int64 = 1_000_000_000
    /// A run becomes a bulk at this many payload packets.
    static let bulkMinPackets: UInt8 = 4

    public private(set) var forward = BulkDirection()
    public private(set) var backward = BulkDirection()
    /// Gaps longer than 1 s between consecutive packets of the flow.
    public private(set) var subflowGaps = 0
    /// The flow's last packet, capture time, ns.
    private var lastNs: Int64 = 0
    /// The open run of payload packets: first and last packet times, payload bytes so far
    /// (only read until it becomes a bulk), packets (saturating: only "≥ 4" matters after that).
    private var runStartNs: Int64 = 0
    private var runLastNs: Int64 = 0
    private var runBytes = 0
    private var runPackets: UInt8 = 0
    private var runFromClient = false
    private var seenPacket = false

    public init() {}
    init(options: borrowing FeatureOptions) { self.init() }

    /// Subflows: 1 + ``subflowGaps``.
    public var subflows: Int { 1 + subflowGaps }

    /// `total` ÷ ``subflows`` (float division; the count is at least 1).
    public func perSubflow(_ total: Int) -> Double { Double(total) / Double(subflows) }

    @inline(__always)
    mutating func update(_ p: borrowing PacketView, options: borrowing FeatureOptions) {
        let t = p.timeNs
        if seenPacket && t &- lastNs > Self.subflowGapNs { subflowGaps += 1 }
        seenPacket = true
        lastNs = t
        let size = p.input.payloadLength
        guard size > 0 else { return }  // a pure ACK neither joins nor breaks a run
        let fromClient = p.fromClient
        if fromClient { forward.payloadBytes += size } else { backward.payloadBytes += size }
        guard runPackets > 0, runFromClient == fromClient, t &- runLastNs < Self.bulkGapNs else {
            runFromClient = fromClient
            runStartNs = t
            runLastNs = t
            runBytes = size
            runPackets = 1
            return
        }
        if runPackets < Self.bulkMinPackets {
            runPackets += 1
            runBytes += size
            if runPackets == Self.bulkMinPackets {
                addBulk(fromClient, bytes: runBytes, packets: Int(runPackets), durationNs: t &- runStartNs)
            }
        } else {
            addToBulk(fromClient, bytes: size, durationNs: t &- runLastNs)
        }
        runLastNs = t
    }

    @inline(__always)
    private mutating func addBulk(_ fromClient: Bool, bytes: Int, packets: Int, durationNs: Int64) {
        if fromClient { forward.bulks += 1 } else { backward.bulks += 1 }
        addToBulk(fromClient, bytes: bytes, packets: packets, durationNs: durationNs)
    }

    @inline(__always)
    private mutating func addToBulk(_ fromClient: Bool, bytes: Int, packets: Int = 1, durationNs: Int64) {
        if fromClient {
            forward.bytes += bytes
            forward.packets += packets
            forward.durationNs += durationNs
        } else {
            backward.bytes += bytes
            backward.packets += packets
            backward.durationNs += durationNs
        }
    }

    /// A continuation row counts afresh: a run open across the split starts over with the
    /// next payload packet.
    mutating func split(options: borrowing FeatureOptions) { self = BulkSubflow() }

    /// The open run keeps its packets and changes side with them.
    mutating func swapDirections() {
        swap(&forward, &backward)
        runFromClient.toggle()
    }
}
