/// Which tunnels the decoder takes off, as a set of ``TunnelKind``s.
public struct TunnelKinds: OptionSet, Sendable, Hashable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let ipInIP = TunnelKinds(rawValue: 1 << 0)
    public static let gre = TunnelKinds(rawValue: 1 << 1)
    public static let vxlan = TunnelKinds(rawValue: 1 << 2)
    public static let geneve = TunnelKinds(rawValue: 1 << 3)
    public static let gtpU = TunnelKinds(rawValue: 1 << 4)
    public static let teredo = TunnelKinds(rawValue: 1 << 5)
    public static let tzsp = TunnelKinds(rawValue: 1 << 6)
    public static let capwap = TunnelKinds(rawValue: 1 << 7)
    /// AYIYA (UDP 5072, or found by content): decoded only under `--preset zeek`, so that the
    /// other presets keep their flows.
    public static let ayiya = TunnelKinds(rawValue: 1 << 8)

    /// Every tunnel flowcsv decodes by default (not AYIYA).
    public static let all: TunnelKinds = [.ipInIP, .gre, .vxlan, .geneve, .gtpU, .teredo, .tzsp, .capwap]
    /// `--preset zeek`: the default ones and AYIYA, as Zeek's default packet analyzers.
    public static let zeek: TunnelKinds = all.union(.ayiya)
    /// The tunnels NFStream 6.6 decodes: IP-in-IP always (its `packet_process` follows IPv4
    /// protocol 4/41 and IPv6 next header 4/41), and with `decode_tunnels` GTP-U, TZSP and
    /// CAPWAP data. Not GRE, VXLAN, Geneve or Teredo.
    public static let nfstream: TunnelKinds = [.ipInIP, .gtpU, .tzsp, .capwap]

    public init(_ kind: TunnelKind) {
        switch kind {
        case .ipInIP: self = .ipInIP
        case .gre: self = .gre
        case .vxlan: self = .vxlan
        case .geneve: self = .geneve
        case .gtpU: self = .gtpU
        case .teredo: self = .teredo
        case .tzsp: self = .tzsp
        case .capwap: self = .capwap
        case .ayiya: self = .ayiya
        }
    }
}

/// Whose reading of the headers the decoder follows where tools disagree.
public enum HeaderRules: String, Sendable {
    /// flowcsv's own (Zeek's where it has one): outermost VLAN id; an IPv4 total length of 0
    /// is TCP segmentation offload (the captured length is used); truncated packets keep
    /// their flow; ports from the first 4 transport bytes captured; ICMP "ports" as Zeek maps
    /// type and code; every supported link type.
    case flowcsv
    /// NFStream 6.6's engine (`nfstream/engine/lib_engine.c`, `packet_process` and
    /// `packet_get_ip_info`), so that `--preset nfstream` forms the flows NFStream forms:
    /// - frames of fewer than 28 captured bytes, and link types NFStream does not read
    ///   (LOOP, LINUX_SLL2, PPI, NFLOG), are ignored;
    /// - the VLAN id is the innermost of consecutive 802.1Q (0x8100) tags; frames with an
    ///   802.1ad (0x88A8) or 0x9100 tag are not IP;
    /// - an IPv4 packet whose total length is below its header length (0 included, as TCP
    ///   segmentation offload writes it) is ignored, as is an IPv6 packet cut by the capture;
    /// - TCP and UDP ports only when the IP length holds the whole TCP (20 bytes) or UDP
    ///   (8 bytes) header, else ports 0; ICMP and ICMPv6 always have ports 0 (all ICMP
    ///   between two hosts is one flow);
    /// - UDP tunnels only under an IPv4 header, nothing decoded inside GTP-U, GTP-U without
    ///   the PT bit or an exact length, TZSP only of type 0 with the Ethernet frame after the
    ///   first tag, and a CAPWAP data packet with more than 32 bytes after its header is never
    ///   the outer flow's (not a decodable 802.11 data frame: ignored).
    case nfstream
}

/// What ``PacketDecoder`` decodes, set once per run.
public struct DecodeOptions: Sendable, Equatable {
    /// The tunnels taken off; empty: none (`--tunnels outer`).
    public var tunnels: TunnelKinds
    public var rules: HeaderRules
    /// Also read what only feature groups use: the frame's MAC addresses and a SYN's MSS and
    /// window scale options (the core path does not pay for them).
    public var details: Bool
    /// Zeek's protocol detection for UDP tunnels (`--preset zeek`): a UDP payload on no tunnel
    /// port is also tried as AYIYA and as Teredo by its content (their `DetectProtocol`), as
    /// Zeek's UDP analyzer does for every packet whose responder port has no packet analyzer.
    /// Off, no UDP payload off a tunnel port is read.
    public var detectTunnelsByContent: Bool

    public init(tunnels: TunnelKinds = .all, rules: HeaderRules = .flowcsv, details: Bool = false,
                detectTunnelsByContent: Bool = false) {
        self.tunnels = tunnels
        self.rules = rules
        self.details = details
        self.detectTunnelsByContent = detectTunnelsByContent
    }
}
