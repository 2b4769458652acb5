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
    /// Application metadata from payload: services, TLS/QUIC SNI, ALPN, JA4/JA3, HTTP, DNS and
    /// SSH fields (``AppMetadata``, `--inspect-bytes`). The only group that reads payload.
    public static let appMetadata = FeatureSet(rawValue: 1 << 3)

    /// Active and idle periods (``ActiveIdle``, `--activity-timeout`).
    public static let activeIdle = FeatureSet(rawValue: 1 << 4)
    /// Bulk transfers per direction and subflows (``BulkSubflow``).
    public static let bulkSubflow = FeatureSet(rawValue: 1 << 5)

    /// The first N packets of each flow: direction, wire length, time (``FirstPackets``, `--splt N`).
    public static let firstPackets = FeatureSet(rawValue: 1 << 6)
    /// NFStream 6.6's ms-based values and directions (``NFStreamValues``, `--schema nfstream`).
    public static let nfstream = FeatureSet(rawValue: 1 << 7)

    /// The groups that read ``PacketDetails`` (TTL, header lengths, SYN options, MACs): only
    /// with one of them does the decoder read MACs and SYN options and the table copy details.
    public static let readingDetails: FeatureSet = [.packetFields, .nfstream]

    /// Every group there is.
    public static let all: FeatureSet = [.sizeTiming, .tcpAnalytics, .packetFields, .appMetadata, .activeIdle,
                                           .bulkSubflow, .firstPackets, .nfstream]
}

/// Settings that feature groups read (the same for every flow of a run). Passed to each
/// hook rather than stored per flow, so they cost no bytes per flow.
public struct FeatureOptions: Sendable, Equatable {
    /// A gap longer than this between two packets of a flow ends an active period and starts
    /// an idle one (`--activity-timeout`; CICFlowMeter's 5 s). Capture time, ns.
    public var activityTimeoutNs: Int64 = 5_000_000_000
    /// How many first packets of each flow are kept (`--splt N`; 0: none).
    public var firstPackets = 0
    /// How many bytes of each direction of a TCP connection the application parsers may read
    /// (`--inspect-bytes`; the reassembled stream prefix, ``StreamReassembler``).
    public var inspectBytes = AppMetadataTable.defaultInspectBytes
    /// At most this many stream bytes are buffered at once for the application parsers, over all
    /// live flows; a flow whose bytes would pass it stops being inspected (counted).
    public var inspectBudget = AppMetadataTable.defaultInspectBudget
    /// Whether the application group builds its field values (HTTP strings, TLS names and
    /// fingerprints). False when its only column is a service column (the zeek schema's
    /// `service`): every parser still runs and decides as it would, so the services are the
    /// same, but the head's strings, the JA4 and the JA3 are not made.
    public var appValues = true

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
    /// The transport payload present in the capture (empty unless ``FeatureSet/appMetadata`` is
    /// enabled): valid only during the call.
    var payload = UnsafeRawBufferPointer(start: nil, count: 0)
    /// For a tunnel's outer flow, the tunnel it carries (nil otherwise).
    var tunnel: TunnelKind? = nil
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
        live.unsharedAddress(slot).pointee.update(packet, options: options)  // the table is never copied
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
    var appMetadata: AppMetadataTable?
    var activeIdle: FeatureTable<ActiveIdle>?
    var bulkSubflow: FeatureTable<BulkSubflow>?
    var firstPackets: FeatureTable<FirstPackets>?
    var nfstream: FeatureTable<NFStreamValues>?

    init(_ required: FeatureSet, options: FeatureOptions) {
        enabled = required.intersection(.all)
        readsDetails = !enabled.isDisjoint(with: .readingDetails)
        readsPayload = enabled.contains(.appMetadata)
        if enabled.contains(.sizeTiming) { sizeTiming = FeatureTable(options: options) }
        if enabled.contains(.tcpAnalytics) { tcpAnalytics = FeatureTable(options: options) }
        if enabled.contains(.packetFields) { packetFields = FeatureTable(options: options) }
        if enabled.contains(.appMetadata) { appMetadata = AppMetadataTable(options: options) }
        if enabled.contains(.activeIdle) { activeIdle = FeatureTable(options: options) }
        if enabled.contains(.bulkSubflow) { bulkSubflow = FeatureTable(options: options) }
        if enabled.contains(.firstPackets) { firstPackets = FeatureTable(options: options) }
        if enabled.contains(.nfstream) { nfstream = FeatureTable(options: options) }
    }

    var isEmpty: Bool { enabled.isEmpty }
    /// Some enabled group reads ``PacketView/details``.
    let readsDetails: Bool
    /// Some enabled group reads ``PacketView/payload`` (only ``FeatureSet/appMetadata``).
    let readsPayload: Bool

    mutating func start(slot: Int) {
        sizeTiming?.start(slot: slot)
        tcpAnalytics?.start(slot: slot)
        packetFields?.start(slot: slot)
        appMetadata?.start(slot: slot)
        activeIdle?.start(slot: slot)
        bulkSubflow?.start(slot: slot)
        firstPackets?.start(slot: slot)
        nfstream?.start(slot: slot)
    }

    @inline(__always)
    mutating func update(slot: Int, _ packet: borrowing PacketView) {
        sizeTiming?.update(slot: slot, packet)
        tcpAnalytics?.update(slot: slot, packet)
        packetFields?.update(slot: slot, packet)
        appMetadata?.update(slot: slot, packet)
        activeIdle?.update(slot: slot, packet)
        bulkSubflow?.update(slot: slot, packet)
        firstPackets?.update(slot: slot, packet)
        nfstream?.update(slot: slot, packet)
    }

    mutating func split(slot: Int) {
        sizeTiming?.split(slot: slot)
        tcpAnalytics?.split(slot: slot)
        packetFields?.split(slot: slot)
        appMetadata?.split(slot: slot)
        activeIdle?.split(slot: slot)
        bulkSubflow?.split(slot: slot)
        firstPackets?.split(slot: slot)
        nfstream?.split(slot: slot)
    }

    mutating func swapDirections(slot: Int) {
        sizeTiming?.swapDirections(slot: slot)
        tcpAnalytics?.swapDirections(slot: slot)
        packetFields?.swapDirections(slot: slot)
        appMetadata?.swapDirections(slot: slot)
        activeIdle?.swapDirections(slot: slot)
        bulkSubflow?.swapDirections(slot: slot)
        firstPackets?.swapDirections(slot: slot)
        nfstream?.swapDirections(slot: slot)
    }

    /// Hands the states of `slot` out with its row (call it where the record is appended to
    /// `ended.records`, before the slot can be reused).
    func hand(slot: Int, to ended: inout FinishedFlows) {
        sizeTiming?.hand(slot: slot, to: &ended.sizeTiming)
        tcpAnalytics?.hand(slot: slot, to: &ended.tcpAnalytics)
        packetFields?.hand(slot: slot, to: &ended.packetFields)
        appMetadata?.hand(slot: slot, to: &ended.appMetadata)
        activeIdle?.hand(slot: slot, to: &ended.activeIdle)
        bulkSubflow?.hand(slot: slot, to: &ended.bulkSubflow)
        firstPackets?.hand(slot: slot, to: &ended.firstPackets)
        nfstream?.hand(slot: slot, to: &ended.nfstream)
    }

    /// The flow in `slot` ended for good (not an active-timeout split): what it still buffers
    /// for inspection is released.
    mutating func ended(slot: Int) {
        appMetadata?.ended(slot: slot)
    }

    mutating func removeAll() {
        sizeTiming?.removeAll()
        tcpAnalytics?.removeAll()
        packetFields?.removeAll()
        appMetadata?.removeAll()
        activeIdle?.removeAll()
        bulkSubflow?.removeAll()
        firstPackets?.removeAll()
        nfstream?.removeAll()
    }

    /// Live group tables allocated (for tests: a basic table has none).
    var allocatedTables: Int {
        (sizeTiming == nil ? 0 : 1) + (tcpAnalytics == nil ? 0 : 1) + (packetFields == nil ? 0 : 1)
            + (appMetadata == nil ? 0 : 1) + (activeIdle == nil ? 0 : 1) + (bulkSubflow == nil ? 0 : 1)
            + (firstPackets == nil ? 0 : 1) + (nfstream == nil ? 0 : 1)
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
    /// ``AppMetadata`` of each row, when that group was enabled (else empty).
    public internal(set) var appMetadata: [AppMetadata] = []
    /// ``ActiveIdle`` of each row, when that group was enabled (else empty).
    public internal(set) var activeIdle: [ActiveIdle] = []
    /// ``BulkSubflow`` of each row, when that group was enabled (else empty).
    public internal(set) var bulkSubflow: [BulkSubflow] = []
    /// ``FirstPackets`` of each row, when that group was enabled (else empty).
    public internal(set) var firstPackets: [FirstPackets] = []
    /// ``NFStreamValues`` of each row, when that group was enabled (else empty).
    public internal(set) var nfstream: [NFStreamValues] = []

    public init() {}

    public var count: Int { records.count }
    public var isEmpty: Bool { records.isEmpty }

    public mutating func append(contentsOf other: FinishedFlows) {
        records.append(contentsOf: other.records)
        sizeTiming.append(contentsOf: other.sizeTiming)
        tcpAnalytics.append(contentsOf: other.tcpAnalytics)
        packetFields.append(contentsOf: other.packetFields)
        appMetadata.append(contentsOf: other.appMetadata)
        activeIdle.append(contentsOf: other.activeIdle)
        bulkSubflow.append(contentsOf: other.bulkSubflow)
        firstPackets.append(contentsOf: other.firstPackets)
        nfstream.append(contentsOf: other.nfstream)
    }

    mutating func removeAll(keepingCapacity: Bool) {
        records.removeAll(keepingCapacity: keepingCapacity)
        sizeTiming.removeAll(keepingCapacity: keepingCapacity)
        tcpAnalytics.removeAll(keepingCapacity: keepingCapacity)
        packetFields.removeAll(keepingCapacity: keepingCapacity)
        appMetadata.removeAll(keepingCapacity: keepingCapacity)
        activeIdle.removeAll(keepingCapacity: keepingCapacity)
        bulkSubflow.removeAll(keepingCapacity: keepingCapacity)
        firstPackets.removeAll(keepingCapacity: keepingCapacity)
        nfstream.removeAll(keepingCapacity: keepingCapacity)
    }
}

extension FinishedFlows {
    /// Whether every group in `groups` has a state for every row.
    func holds(_ groups: FeatureSet) -> Bool {
        func has(_ group: FeatureSet, _ states: Int) -> Bool { !groups.contains(group) || states == count }
        return has(.sizeTiming, sizeTiming.count) && has(.tcpAnalytics, tcpAnalytics.count)
            && has(.packetFields, packetFields.count) && has(.appMetadata, appMetadata.count) && has(.activeIdle, activeIdle.count)
            && has(.bulkSubflow, bulkSubflow.count) && has(.firstPackets, firstPackets.count)
            && has(.nfstream, nfstream.count)
    }

    /// Calls `body` with each row in order, every state by address (`for flow in records` or
    /// `records[i]` would copy each record). A group's pointer is nil when it was not enabled.
    func forEachRow(_ body: (FlowRow) -> Void) {
        let n = count
        records.withUnsafeBufferPointer { records in
        sizeTiming.withRowBase(n) { sizeTiming in
        tcpAnalytics.withRowBase(n) { tcp in
        packetFields.withRowBase(n) { fields in
        appMetadata.withRowBase(n) { app in
        activeIdle.withRowBase(n) { activeIdle in
        bulkSubflow.withRowBase(n) { bulk in
        firstPackets.withRowBase(n) { first in
        nfstream.withRowBase(n) { nfs in
            for i in records.indices {
                // i < count, and each present group's array has `count` states: in bounds.
                body(FlowRow(record: records.baseAddress! + i,
                             sizeTimingState: sizeTiming.map { $0 + i },
                             tcpAnalyticsState: tcp.map { $0 + i },
                             packetFieldsState: fields.map { $0 + i },
                             appMetadataState: app.map { $0 + i },
                             activeIdleState: activeIdle.map { $0 + i },
                             bulkSubflowState: bulk.map { $0 + i },
                             firstPacketsState: first.map { $0 + i },
                             nfstreamState: nfs.map { $0 + i }))
            }
        }}}}}}}}}
    }
}

extension Array {
    /// The first state's address when the array has one state per row (`rows`), else nil.
    fileprivate func withRowBase<R>(_ rows: Int, _ body: (UnsafePointer<Element>?) -> R) -> R {
        withUnsafeBufferPointer { body($0.count == rows && rows > 0 ? $0.baseAddress : nil) }
    }
}
