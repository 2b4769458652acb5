/// Idle timeouts per transport protocol, in ns of capture time.
public struct IdleTimeouts: Sendable, Equatable {
    public var tcp: Int64
    public var udp: Int64
    public var icmp: Int64
    public var other: Int64

    public init(all ns: Int64) {
        tcp = ns
        udp = ns
        icmp = ns
        other = ns
    }

    public init(tcp: Int64, udp: Int64, icmp: Int64, other: Int64) {
        self.tcp = tcp
        self.udp = udp
        self.icmp = icmp
        self.other = other
    }

    @inline(__always)
    public func forProtocol(_ ipProtocol: UInt8) -> Int64 {
        switch ipProtocol {
        case IPProtocol.tcp.rawValue: tcp
        case IPProtocol.udp.rawValue: udp
        case IPProtocol.icmp.rawValue, IPProtocol.icmpv6.rawValue: icmp
        default: other
        }
    }
}

/// Whose rules decide a flow's direction, its reuse and its expiry.
public enum Semantics: String, Sendable {
    /// flowcsv's: the client is the sender of a SYN without ACK, the receiver of a SYN-ACK
    /// seen first, else the sender of the first packet; a TCP flow closes on both FINs or a
    /// RST and lingers; a SYN after the close starts a new flow; idle and active timeouts.
    case flowcsv
    /// Zeek's: the originator is the sender of the first packet unless it is not a bare SYN
    /// and comes from a likely server port (the history then starts with `^`); Zeek's
    /// connection engine decides reuse (a SYN with a new ISN) and its timers decide expiry.
    case zeek
}

/// Which flows of a tunnelled packet are counted.
public enum TunnelMode: String, Sendable, CaseIterable {
    /// Only the innermost packet's flow.
    case inner
    /// Only the outermost packet's flow (no decapsulation).
    case outer
    /// Both: the tunnel's own flow and the inner flow, which links to it.
    case both
}

/// What happens to IP fragments.
public enum FragmentMode: String, Sendable, CaseIterable {
    /// Every fragment counts as a packet of its datagram's flow (ports learned from the first fragment).
    case count
    /// Fragments are reassembled; a datagram counts once, when complete (Zeek).
    case reassemble
    /// Only first fragments count; later fragments are ignored (NFStream, nDPI).
    case firstOnly = "first-only"
}

/// Named sets of defaults that follow another tool's semantics.
public enum Preset: String, Sendable, CaseIterable {
    /// flowcsv's own defaults (idle 120 s, active 1800 s, linger 5 s, TCP lifecycle).
    case flowcsv
    /// Zeek's conn.log semantics: inactivity TCP 300 s, UDP/ICMP/other 60 s, no active timeout,
    /// VLAN not in the key, Zeek's originator rule, close/reset delay 5 s, a SYN with a new ISN
    /// starts a new connection, fragments reassembled (a datagram is one packet).
    case zeek
    /// NFStream's: idle 120 s, active 1800 s, no TCP lifecycle ending, VLAN in the key (the
    /// innermost 802.1Q id), ICMP keyed without type/code, only NFStream's tunnels decoded
    /// (IP-in-IP, GTP-U, TZSP, CAPWAP data; inner flows only), non-first IP fragments ignored,
    /// and NFStream's reading of headers (``HeaderRules/nfstream``).
    case nfstream
}

/// The flow tracker's settings. Times are capture time in nanoseconds.
public struct FlowConfiguration: Sendable, Equatable {
    /// A flow with no packet for this long ends (`idle`). Default 120 s for every protocol.
    public var idle = IdleTimeouts(all: 120 * 1_000_000_000)
    /// A flow this old ends (`active`) and continues as a new record; 0 disables. Default 1800 s.
    public var activeTimeoutNs: Int64 = 1800 * 1_000_000_000
    /// How long a closed TCP flow (both FINs, or RST) keeps taking packets — the last ACK,
    /// retransmitted FINs — before it is written. Default 5 s, like Zeek's close delay.
    public var lingerNs: Int64 = 5 * 1_000_000_000
    /// Whether a TCP close (both FINs, or RST) ends the flow at all (NFStream: no).
    public var endOnTCPClose = true
    /// Whether the outermost VLAN id is part of the flow key.
    public var vlanInKey = false
    /// How long a first fragment's ports are remembered for the later fragments. Default 30 s.
    public var fragmentTimeoutNs: Int64 = 30 * 1_000_000_000
    /// Whose rules decide direction, reuse and expiry.
    public var semantics = Semantics.flowcsv
    /// Which flows of tunnelled packets are counted.
    public var tunnels = TunnelMode.both
    /// Which tunnels are taken off (with `tunnels` inner or both). Default: every kind.
    public var decodedTunnels = TunnelKinds.all
    /// Also find UDP tunnels (Teredo, AYIYA) by content on any port, as Zeek does
    /// (``DecodeOptions/detectTunnelsByContent``). On under `--preset zeek` only.
    public var detectTunnelsByContent = false
    /// Whose reading of the headers forms the flows (VLAN id, ICMP keys, offload lengths…).
    public var headerRules = HeaderRules.flowcsv
    /// What happens to IP fragments.
    public var fragments = FragmentMode.count
    /// Keep the per-direction size/timing statistics, TCP sequence analytics and handshake times
    /// (only the `extended` schema writes them; the file processor turns this off otherwise).
    public var detailedStatistics = true
    /// Drop packets with a wrong IP/TCP/UDP/ICMP checksum, as Zeek does without `-C`
    /// (they still show as `C`/`c` in the history).
    public var verifyChecksums = false
    /// At most this many live flows (`--max-flows`): creating one more first ends the least
    /// recently active flow (``EndReason/evicted``). 0: no cap. Default 4,000,000, which keeps
    /// the basic schema under about 2 GiB at ~480 bytes per live flow, measured by `make bench`.
    public var maxFlows = 4_000_000
    /// What the feature groups read (`--activity-timeout`, `--splt`).
    public var features = FeatureOptions()

    public init() {}

    public init(preset: Preset) {
        self.init()
        switch preset {
        case .flowcsv:
            break
        case .zeek:
            idle = IdleTimeouts(tcp: 300 * 1_000_000_000, udp: 60 * 1_000_000_000,
                                icmp: 60 * 1_000_000_000, other: 60 * 1_000_000_000)
            activeTimeoutNs = 0
            vlanInKey = false
            semantics = .zeek
            fragments = .reassemble
            decodedTunnels = .zeek
            detectTunnelsByContent = true
        case .nfstream:
            endOnTCPClose = false
            vlanInKey = true
            tunnels = .inner
            decodedTunnels = .nfstream
            headerRules = .nfstream
            fragments = .firstOnly
        }
    }

    /// Seconds to nanoseconds. Values beyond about 95 years are capped there, which is
    /// "never" for any capture, and keeps every deadline sum far from overflow.
    public static func seconds(_ s: Double) -> Int64 {
        guard s.isFinite else { return s > 0 ? maxNs : 0 }
        return Int64((min(max(s, 0), Double(maxNs) / 1e9) * 1e9).rounded())
    }

    static let maxNs: Int64 = 3_000_000_000 * 1_000_000_000
}
