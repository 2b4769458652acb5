/// An EtherType, as an open set of named constants.
public struct EtherType: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let ipv4 = EtherType(rawValue: 0x0800)
    public static let arp = EtherType(rawValue: 0x0806)
    public static let vlan = EtherType(rawValue: 0x8100)       // 802.1Q
    public static let qinq = EtherType(rawValue: 0x88A8)       // 802.1ad
    public static let qinqOld = EtherType(rawValue: 0x9100)    // pre-standard QinQ
    public static let ipv6 = EtherType(rawValue: 0x86DD)
    public static let mplsUnicast = EtherType(rawValue: 0x8847)
    public static let mplsMulticast = EtherType(rawValue: 0x8848)
    public static let pppoeDiscovery = EtherType(rawValue: 0x8863)
    public static let pppoeSession = EtherType(rawValue: 0x8864)
    /// Transparent Ethernet bridging: an Ethernet frame carried in GRE or Geneve.
    public static let transparentEthernetBridging = EtherType(rawValue: 0x6558)
    /// PPP, as carried by PPTP's enhanced GRE (GRE version 1).
    public static let ppp = EtherType(rawValue: 0x880B)
    /// ERSPAN type I/II (type II when the GRE sequence bit is set).
    public static let erspanII = EtherType(rawValue: 0x88BE)
    /// ERSPAN type III.
    public static let erspanIII = EtherType(rawValue: 0x22EB)
}

/// An IP protocol number (IPv4 protocol, IPv6 next header), as an open set of named constants.
public struct IPProtocol: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let hopByHop = IPProtocol(rawValue: 0)
    public static let icmp = IPProtocol(rawValue: 1)
    public static let igmp = IPProtocol(rawValue: 2)
    public static let ipip = IPProtocol(rawValue: 4)
    public static let tcp = IPProtocol(rawValue: 6)
    public static let udp = IPProtocol(rawValue: 17)
    public static let ipv6 = IPProtocol(rawValue: 41)
    public static let routing = IPProtocol(rawValue: 43)
    public static let fragment = IPProtocol(rawValue: 44)
    public static let gre = IPProtocol(rawValue: 47)
    public static let esp = IPProtocol(rawValue: 50)
    public static let ah = IPProtocol(rawValue: 51)
    public static let icmpv6 = IPProtocol(rawValue: 58)
    public static let noNextHeader = IPProtocol(rawValue: 59)
    public static let destinationOptions = IPProtocol(rawValue: 60)
    public static let sctp = IPProtocol(rawValue: 132)

    /// The IANA keyword of the protocol ("TCP", "UDP", "ICMP", "IPv6-ICMP" is written "ICMPv6"),
    /// or nil when flowcsv knows none; the CSV then shows the number.
    public var keyword: String? {
        IPProtocol.keywords[Int(rawValue)]
    }

    private static let keywords: [Int: String] = [
        0: "HOPOPT", 1: "ICMP", 2: "IGMP", 3: "GGP", 4: "IPv4", 5: "ST", 6: "TCP", 7: "CBT", 8: "EGP",
        9: "IGP", 12: "PUP", 17: "UDP", 22: "XNS-IDP", 27: "RDP", 29: "ISO-TP4", 33: "DCCP", 41: "IPv6",
        43: "IPv6-Route", 44: "IPv6-Frag", 46: "RSVP", 47: "GRE", 50: "ESP", 51: "AH", 58: "ICMPv6",
        59: "IPv6-NoNxt", 60: "IPv6-Opts", 88: "EIGRP", 89: "OSPFIGP", 94: "IPIP", 103: "PIM",
        112: "VRRP", 115: "L2TP", 132: "SCTP", 136: "UDPLite", 137: "MPLS-in-IP",
    ]
}
