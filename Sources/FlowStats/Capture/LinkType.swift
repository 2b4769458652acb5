/// A capture's link-layer header type (the `LINKTYPE_`/`DLT_` value), an open set of
/// named constants in the swift-system style: unknown values still fit.
public struct LinkType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let null = LinkType(rawValue: 0)          // BSD loopback, host-order family
    public static let ethernet = LinkType(rawValue: 1)
    public static let ppp = LinkType(rawValue: 9)
    public static let rawOpenBSD = LinkType(rawValue: 12)   // DLT_RAW on most systems
    public static let rawBSD = LinkType(rawValue: 14)       // DLT_RAW on BSD/OS
    public static let pppHDLC = LinkType(rawValue: 50)      // PPP in HDLC-like framing
    public static let raw = LinkType(rawValue: 101)         // LINKTYPE_RAW
    public static let ciscoHDLC = LinkType(rawValue: 104)
    public static let loop = LinkType(rawValue: 108)        // OpenBSD loopback, network-order family
    public static let linuxSLL = LinkType(rawValue: 113)
    public static let ipv4 = LinkType(rawValue: 228)
    public static let ipv6 = LinkType(rawValue: 229)
    public static let linuxSLL2 = LinkType(rawValue: 276)
    public static let ppi = LinkType(rawValue: 192)         // Per-Packet Information header
    public static let nflog = LinkType(rawValue: 239)       // Linux netfilter log

    /// libpcap keeps only the low 16 bits of the savefile's link-type field
    /// (`LT_LINKTYPE`); the upper bits hold FCS information and reserved bits.
    public init(maskingSavefileField field: UInt32) {
        self.rawValue = field & 0xFFFF
    }

    public var name: String {
        switch self {
        case .null: "NULL"
        case .ethernet: "EN10MB"
        case .ppp: "PPP"
        case .rawOpenBSD, .rawBSD, .raw: "RAW"
        case .pppHDLC: "PPP_HDLC"
        case .ciscoHDLC: "C_HDLC"
        case .loop: "LOOP"
        case .linuxSLL: "LINUX_SLL"
        case .ipv4: "IPV4"
        case .ipv6: "IPV6"
        case .linuxSLL2: "LINUX_SLL2"
        case .ppi: "PPI"
        case .nflog: "NFLOG"
        default: "unknown"
        }
    }

    /// Whether flowcsv can decode frames of this link type.
    public var isSupported: Bool { name != "unknown" }

    public var description: String { "\(name) (\(rawValue))" }
}
