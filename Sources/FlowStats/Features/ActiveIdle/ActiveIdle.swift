/// The active/idle group: the flow's packets (both directions) split into active periods at
/// every gap longer than the activity timeout (`--activity-timeout`, ``FeatureOptions/activityTimeoutNs``,
/// CICFlowMeter's 5 s); each such gap is an idle period.
///
/// Definitions (CICFlowMeter's intent, with its bugs fixed):
/// - A gap `t − last > timeout` between consecutive packets of the flow (either direction) ends
///   the active period at `last` and starts one at `t`; the gap is one idle period. A gap of
///   exactly the timeout stays inside the period.
/// - An active period lasts from its first packet to its last. Zero-length periods (one packet,
///   or packets all at one instant) are not recorded, so a one-packet flow has no active period.
/// - The last active period is included (CICFlowMeter #76 never added it).
/// - No idle "remainder" up to a timeout is added after the last packet.
///
/// Running statistics only (Welford), in nanoseconds as `Double`; nothing per packet is kept.
/// The open (last) period is added when the row is read (``active``), so the state stays as the
/// packets left it.
public struct ActiveIdle: FlowFeature, Equatable {
    static var group: FeatureSet { .activeIdle }

    /// The active periods already ended by an idle gap (nonzero length only), ns.
    private var endedActive = RunningStats()
    /// The idle gaps (each longer than the timeout), ns.
    public private(set) var idle = RunningStats()
    /// First packet of the open active period, capture time, ns.
    private var periodStartNs: Int64 = 0
    /// The flow's last packet, capture time, ns.
    private var lastNs: Int64 = 0
    private var seenPacket = false

    public init() {}
    init(options: borrowing FeatureOptions) { self.init() }

    @inline(__always)
    mutating func update(_ p: borrowing PacketView, options: borrowing FeatureOptions) {
        let t = p.timeNs
        guard seenPacket else {
            seenPacket = true
            periodStartNs = t
            lastNs = t
            return
        }
        let gap = t &- lastNs
        if gap > options.activityTimeoutNs {
            if lastNs > periodStartNs { endedActive.add(Double(lastNs &- periodStartNs)) }
            idle.add(Double(gap))
            periodStartNs = t
        }
        lastNs = t
    }

    /// A continuation row starts afresh: its first packet opens its first active period (the
    /// gap across the split belongs to neither row).
    mutating func split(options: borrowing FeatureOptions) { self = ActiveIdle() }

    /// No per-direction measure.
    mutating func swapDirections() {}

    /// Every active period of nonzero length, the open (last) one included, ns.
    public var active: RunningStats {
        var all = endedActive
        if lastNs > periodStartNs { all.add(Double(lastNs &- periodStartNs)) }
        return all
    }
}
