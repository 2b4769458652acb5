/// Feature groups: per-flow state beyond the core record, kept only when a chosen column needs
/// it (docs/architecture.md). A column declares what it reads (``Column/requires``), a schema's
/// requirements are the union over its columns, and the flow table creates only those groups.
public struct FeatureSet: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// IP and payload byte sums, packet-size and inter-arrival statistics (``SizeTiming``).
    public static let sizeTiming = FeatureSet(rawValue: 1 << 0)
    /// TCP sequence analytics and handshake times (``TCPAnalytics``).
    public static let tcpAnalytics = FeatureSet(rawValue: 1 << 1)

    /// Per-direction header facts: TCP flag counts, header bytes, payload-length statistics,
    /// initial windows, SYN options, TTLs (``PacketFields``).
    public static let packetFields = FeatureSet(rawValue: 1 << 2)

    // Bit 3 is reserved for a second "packet fields" group; bits 4–7 for issue 9's other groups.

    /// Every group there is.
    public static let all: FeatureSet = [.sizeTiming, .tcpAnalytics, .packetFields]
}

/// Settings that feature groups read (the same for every flow of a run). Passed to each
/// hook rather than stored per flow, so they cost no bytes per flow.
public struct FeatureOptions: Sendable, Equatable {
    /// A gap longer than this between two packets of a flow ends an active period and starts
    /// an idle one (`--activity-timeout`; CICFlowMeter's 5 s). Capture time, ns.
    public var activityTimeoutNs: Int64 = 5_000_000_000
    /// How many first packets of each flow are kept (`--splt N`; 0: none).
    public var firstPackets = 0

    public init() {}
}

/// One packet as a feature group sees it: header facts, after the core record accounted it
/// (so the direction follows any role swap the packet caused). Built only when some group is
/// enabled; plain value, nothing retained.
struct PacketView {
    let input: FlowInput
    /// True for client → server.
    let fromClient: Bool
    /// The frame's original length, bytes.
    let wireLength: Int
    /// Capture time, ns (monotonic).
    let timeNs: Int64
    /// TTL, header lengths, SYN options, MACs.
    let details: PacketDetails
}

/// A feature group's per-flow state and its hooks. Conforming types are concrete value types
/// held in a ``FeatureTable`` by flow slot, so every call is statically dispatched and
/// inlined: no existentials, no boxes, no allocation per packet.
protocol FlowFeature: Sendable {
    /// The group this state belongs to.
    static var group: FeatureSet { get }
    /// The state of a new flow, before its first packet.
    init(options: borrowing FeatureOptions)
    /// Accounts one packet the core record counted (not called for packets it drops, such as
    /// those with a wrong checksum).
    mutating func update(_ packet: borrowing PacketView, options: borrowing FeatureOptions)
    /// Active timeout: the row so far was handed out; the next row of the same connection
    /// starts here (reset counters, keep what the connection still needs).
    mutating func split(options: borrowing FeatureOptions)
    /// Zeek decided the roles are the other way round: swap every per-direction measure.
    mutating func swapDirections()
}

/// One group's live states, indexed by flow slot, in chunked storage that grows with the
/// flow table's slots (a slot's state is replaced when the slot is reused).
struct FeatureTable<F: FlowFeature> {
    private(set) var live = ChunkedArray<F>()
    let options: FeatureOptions

    init(options: FeatureOptions) { self.options = options }

    /// A new flow in `slot` (either the next new slot or a reused one).
    @inline(__always)
    mutating func start(slot: Int) {
        if slot == live.count { live.append(F(options: options)) } else { live[slot] = F(options: options) }
    }

    @inline(__always)
    mutating func update(slot: Int, _ packet: borrowing PacketView) {
        live[slot].update(packet, options: options)
    }

    mutating func split(slot: Int) { live[slot].split(options: options) }
    mutating func swapDirections(slot: Int) { live[slot].swapDirections() }

    /// Appends the state of `slot` to the ended states (in row order).
    func hand(slot: Int, to ended: inout [F]) { ended.append(live[slot]) }

    mutating func removeAll() { live.removeAll() }
}

/// The closed set of groups, each table present only when required: a fixed fan-out of
/// optional chaining on stored properties (in place, no copy). With no group required
/// (basic, zeek) the flow table never calls in: one predictable branch per packet.
struct FlowFeatures {
    let enabled: FeatureSet
    var sizeTiming: FeatureTable<SizeTiming>?
    var tcpAnalytics: FeatureTable<TCPAnalytics>?
    var packetFields: FeatureTable<PacketFields>?

    init(_ required: FeatureSet, options: FeatureOptions) {
        enabled = required.intersection(.all)
        if enabled.contains(.sizeTiming) { sizeTiming = FeatureTable(options: options) }
        if enabled.contains(.tcpAnalytics) { tcpAnalytics = FeatureTable(options: options) }
        if enabled.contains(.packetFields) { packetFields = FeatureTable(options: options) }
    }

    var isEmpty: Bool { enabled.isEmpty }

    mutating func start(slot: Int) {
        sizeTiming?.start(slot: slot)
        tcpAnalytics?.start(slot: slot)
        packetFields?.start(slot: slot)
    }

    @inline(__always)
    mutating func update(slot: Int, _ packet: borrowing PacketView) {
        sizeTiming?.update(slot: slot, packet)
        tcpAnalytics?.update(slot: slot, packet)
        packetFields?.update(slot: slot, packet)
    }

    mutating func split(slot: Int) {
        sizeTiming?.split(slot: slot)
        tcpAnalytics?.split(slot: slot)
        packetFields?.split(slot: slot)
    }

    mutating func swapDirections(slot: Int) {
        sizeTiming?.swapDirections(slot: slot)
        tcpAnalytics?.swapDirections(slot: slot)
        packetFields?.swapDirections(slot: slot)
    }

    /// Hands the states of `slot` out with its row (call it where the record is appended to
    /// `ended.records`, before the slot can be reused).
    func hand(slot: Int, to ended: inout FinishedFlows) {
        sizeTiming?.hand(slot: slot, to: &ended.sizeTiming)
        tcpAnalytics?.hand(slot: slot, to: &ended.tcpAnalytics)
        packetFields?.hand(slot: slot, to: &ended.packetFields)
    }

    mutating func removeAll() {
        sizeTiming?.removeAll()
        tcpAnalytics?.removeAll()
        packetFields?.removeAll()
    }

    /// Live group tables allocated (for tests: a basic table has none).
    var allocatedTables: Int {
        (sizeTiming == nil ? 0 : 1) + (tcpAnalytics == nil ? 0 : 1) + (packetFields == nil ? 0 : 1)
    }
}

/// Flows that ended, in row order: the core records, and for each enabled group its states
/// in step with them (empty for a group that is not enabled).
public struct FinishedFlows: Sendable {
    public internal(set) var records: [FlowRecord] = []
    /// ``SizeTiming`` of each row, when that group was enabled (else empty).
    public internal(set) var sizeTiming: [SizeTiming] = []
    /// ``TCPAnalytics`` of each row, when that group was enabled (else empty).
    public internal(set) var tcpAnalytics: [TCPAnalytics] = []
    /// ``PacketFields`` of each row, when that group was enabled (else empty).
    public internal(set) var packetFields: [PacketFields] = []

    public init() {}

    public var count: Int { records.count }
    public var isEmpty: Bool { records.isEmpty }

    public mutating func append(contentsOf other: FinishedFlows) {
        records.append(contentsOf: other.records)
        sizeTiming.append(contentsOf: other.sizeTiming)
        tcpAnalytics.append(contentsOf: other.tcpAnalytics)
        packetFields.append(contentsOf: other.packetFields)
    }

    mutating func removeAll(keepingCapacity: Bool) {
        records.removeAll(keepingCapacity: keepingCapacity)
        sizeTiming.removeAll(keepingCapacity: keepingCapacity)
        tcpAnalytics.removeAll(keepingCapacity: keepingCapacity)
        packetFields.removeAll(keepingCapacity: keepingCapacity)
    }
}
