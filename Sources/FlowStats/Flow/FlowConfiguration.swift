/// The flow tracker's settings. Times are capture time in nanoseconds.
public struct FlowConfiguration: Sendable, Equatable {
    /// A flow with no packet for this long ends (`idle`). Default 120 s.
    public var idleTimeoutNs: Int64 = 120 * 1_000_000_000
    /// A flow this old ends (`active`) and continues as a new record; 0 disables. Default 1800 s.
    public var activeTimeoutNs: Int64 = 1800 * 1_000_000_000
    /// How long a closed TCP flow (both FINs, or RST) keeps taking packets — the last ACK,
    /// retransmitted FINs — before it is written. Default 5 s, like Zeek's close delay.
    public var lingerNs: Int64 = 5 * 1_000_000_000
    /// Whether the outermost VLAN id is part of the flow key.
    public var vlanInKey = false
    /// How long a first fragment's ports are remembered for the later fragments. Default 30 s.
    public var fragmentTimeoutNs: Int64 = 30 * 1_000_000_000

    public init() {}

    public static func seconds(_ s: Double) -> Int64 { Int64((s * 1e9).rounded()) }
}
