/// Zeek's default `const`s from `scripts/base/init-bare.zeek` that shape a connection's
/// accounting (all `&redef` in Zeek; these are the shipped values).
public enum ZeekConstants {
    /// `tcp_max_initial_window`: data an endpoint may send before any of it is acked
    /// before the reassembler stops holding delivered data for it.
    public static let tcpMaxInitialWindow: UInt64 = 16384
    /// `tcp_max_above_hole_without_any_acks`: data buffered above a sequence hole, with
    /// nothing acked, after which the reassembler gives up on the endpoint (no more gaps).
    public static let tcpMaxAboveHoleWithoutAnyAcks: UInt64 = 16384
    /// `tcp_excessive_data_without_further_acks`: buffered data after which the
    /// reassembler gives up on the endpoint.
    public static let tcpExcessiveDataWithoutFurtherAcks: UInt64 = 10 * 1024 * 1024
    /// `TOO_LARGE_SEQ_DELTA` in TCPSessionAdapter.cc: a SYN/RST sequence jump above this
    /// is not trusted; an ack of 0 that far ahead is ignored.
    static let tooLargeSeqDelta: Int32 = 1_048_576
}

/// Zeek's timers that end a connection, in ns (defaults from `init-bare.zeek`).
/// Used by ``ZeekConnection/expiryNs(_:)``.
public struct ZeekTimers: Sendable, Equatable {
    /// `tcp_close_delay` (5 s): a TCP connection whose close is complete (both sides
    /// closed, a RST, or one side closed while the other never spoke) is removed this
    /// long after its last time.
    public var tcpCloseDelayNs: Int64 = 5_000_000_000
    /// `tcp_attempt_delay` (5 s): a SYN not answered by then ends the connection.
    public var tcpAttemptDelayNs: Int64 = 5_000_000_000
    /// `tcp_SYN_timeout` (5 s): first run of the TCP expire timer after creation.
    public var tcpSYNTimeoutNs: Int64 = 5_000_000_000
    /// `tcp_session_timer` (6 s): period of the TCP expire timer.
    public var tcpSessionTimerNs: Int64 = 6_000_000_000
    /// `tcp_connection_linger` (5 s): quiet time the expire timer waits for.
    public var tcpConnectionLingerNs: Int64 = 5_000_000_000
    /// `tcp_inactivity_timeout` (5 min), armed once an endpoint leaves the handshake.
    public var tcpInactivityTimeoutNs: Int64 = 300_000_000_000
    /// `udp_inactivity_timeout` (1 min); also a TCP connection's timeout until its
    /// handshake finishes (`TCPAnalyzer::MakeSessionAdapter`).
    public var udpInactivityTimeoutNs: Int64 = 60_000_000_000
    /// `icmp_inactivity_timeout` (1 min).
    public var icmpInactivityTimeoutNs: Int64 = 60_000_000_000
    /// `unknown_ip_inactivity_timeout` (1 min).
    public var unknownIPInactivityTimeoutNs: Int64 = 60_000_000_000

    public init() {}
}

/// Zeek's `likely_server_ports` (`init-bare.zeek` declares it empty; the protocol
/// scripts add to it with `redef likely_server_ports += { ports }`). Looked up by
/// `IPBasedAnalyzer::IsLikelyServerPort`, which ORs the transport's port mask into the
/// port number; this type keeps one set per transport.
public struct ZeekServerPorts: Sendable, Equatable {
    public var tcp: Set<UInt16>
    public var udp: Set<UInt16>

    public init(tcp: Set<UInt16>, udp: Set<UInt16>) {
        self.tcp = tcp
        self.udp = udp
    }

    public func contains(_ port: UInt16, _ proto: ZeekProtocol) -> Bool {
        switch proto {
        case .tcp: tcp.contains(port)
        case .udp: udp.contains(port)
        case .icmp, .other: false
        }
    }

    /// The set a default `zeek` run builds (all of `base/protocols` and
    /// `base/packet-protocols` loaded). From the scripts' `redef likely_server_ports`:
    /// dns (53/tcp+udp, 137, 5353, 5355/udp), http (80, 81, 631, 1080, 3128, 8000, 8080,
    /// 8888), ftp (21, 2811), ssh (22), smtp (25, 587), ssl (443, 563, 585, 614, 636, 989,
    /// 990, 992, 993, 995, 5223; dtls 443/udp), imap (143), pop3 (110), dce-rpc (135),
    /// smb (139, 445), ldap (389, 3268; 389/udp), krb (88, 750 tcp+udp), mysql (1434, 3306),
    /// rdp (3389), xmpp (5222, 5269), irc (6666-6669), modbus (502), dnp3 (20000 tcp+udp),
    /// mqtt (1883), redis (6379), postgresql (5432), finger (79), socks (1080), dhcp
    /// (67/udp only), ntp (123), snmp (161, 162), syslog (514), radius (1812), sip (5060),
    /// quic (443/udp), tunnels ayiya (5072), teredo (3544), gtpv1 (2123, 2152), vxlan
    /// (4789), geneve (6081). DHCPv6 (547/udp) is left out: the corpus baseline
    /// (pppoe.pcap) does not flip a 547 → 546 reply.
    public static let zeekDefault = ZeekServerPorts(
        tcp: [21, 22, 25, 53, 79, 80, 81, 88, 110, 135, 139, 143, 389, 443, 445, 502, 563, 585, 587, 614, 631,
              636, 750, 989, 990, 992, 993, 995, 1080, 1434, 1883, 2811, 3128, 3268, 3306, 3389, 5222, 5223, 5269,
              5432, 6379, 6666, 6667, 6668, 6669, 8000, 8080, 8888, 20000],
        udp: [53, 67, 88, 123, 137, 161, 162, 389, 443, 514, 750, 1812, 2123, 2152, 3544, 4789, 5060, 5072, 5353,
              5355, 6081, 20000])
}
