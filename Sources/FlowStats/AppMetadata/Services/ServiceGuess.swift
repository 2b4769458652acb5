// What a UDP service detector concluded from one datagram, in Zeek's conn.log `service`
// spelling, with the facts Zeek's role flips need (zeek/zeek src/analyzer/protocol/dns/DNS.cc
// ParseMessage; src/analyzer/protocol/ntp/ntp-analyzer.pac proc_ntp_message).

/// A service a datagram shows, as Zeek would confirm it.
struct ServiceGuess: Sendable, Equatable {
    /// Zeek's analyzer name as conn.log `service` writes it: `dns` (also mDNS, LLMNR and
    /// NetBIOS name service: one analyzer), `ntp`, `dhcp`, `sip`, `snmp`, `syslog`, `radius`,
    /// `krb`.
    var service: String
    /// DNS: the QR bit (a response).
    var dnsResponse = false
    /// NTP: the mode field (3 client, 4 server, 5 broadcast); nil for other services.
    var ntpMode: UInt8?
    /// Whether Zeek flips the connection's roles (history `^`) when this is the first message
    /// its analyzer parses: a DNS response sent by the originator (unless the responder is
    /// multicast — the caller knows the address), an NTP server-mode (4) message from the
    /// originator or a client-mode (3) message from the responder.
    var flipsRoles = false

    /// NTP server or broadcast-server mode (4 or 5). Zeek flips only for 4.
    var ntpServerMode: Bool { ntpMode == 4 || ntpMode == 5 }
}

/// A UDP flow's ports: the first packet's source (client) and destination (server).
struct UDPPorts: Sendable, Equatable {
    var client: UInt16
    var server: UInt16
}
