// Recognises UDP services from a datagram's content, the way Zeek's analyzers confirm them.
// Facts from zeek/zeek: scripts/base/protocols/*/main.zeek (ports each analyzer registers),
// scripts/base/protocols/{dhcp,sip,krb}/dpd.sig (content signatures), and the analyzers'
// parsers under src/analyzer/protocol/* (where AnalyzerConfirmation is called).
//
// Zeek attaches DNS (53, 137, 5353, 5355), NTP (123), SNMP (161, 162), syslog (514) and RADIUS
// (1812) by the responder's port only; DHCP (67, 68, 4011), SIP (5060) and Kerberos (88) also by
// a signature on any port. Given ports, ``DatagramServices/detect(datagram:fromClient:ports:)``
// follows that rule; without ports it decides on content alone, with stricter checks for the
// port-only protocols (stated at each).

/// The UDP service detectors.
enum DatagramServices {
    /// The service this datagram shows, or nil.
    /// - Parameters:
    ///   - fromClient: sent by the flow's first sender.
    ///   - ports: the flow's ports; when given, port-only analyzers need their port as the
    ///     server port (Zeek's rule). When nil, content alone decides.
    ///   - dnsMessage: the datagram already parsed as DNS by the caller (`.some(nil)`: it is
    ///     not DNS), so it is not parsed again; nil: parsed here.
    static func detect(datagram: UnsafeRawBufferPointer, fromClient: Bool,
                       ports: UDPPorts? = nil, dnsMessage: DNSMessageSummary?? = nil) -> ServiceGuess? {
        // Comparisons, not a Set literal: no hashing or allocation per datagram.
        func serverPort(_ test: (UInt16) -> Bool) -> Bool { ports.map { test($0.server) } ?? true }
        let contentOnly = ports == nil
        if serverPort({ $0 == 53 || $0 == 137 || $0 == 5353 || $0 == 5355 }),
           let guess = dns(dnsMessage ?? DNSMessageSummary.parse(message: datagram), fromClient: fromClient, strict: contentOnly) {
            return guess
        }
        if dhcp(datagram) { return ServiceGuess(service: "dhcp") }
        if sip(datagram) { return ServiceGuess(service: "sip") }
        if krb(datagram) { return ServiceGuess(service: "krb") }
        if serverPort({ $0 == 123 }), let guess = ntp(datagram, fromClient: fromClient, strict: contentOnly) { return guess }
        if serverPort({ $0 == 161 || $0 == 162 }), !fromClient, snmp(datagram) { return ServiceGuess(service: "snmp") }
        if serverPort({ $0 == 1812 }), radius(datagram, strict: contentOnly) { return ServiceGuess(service: "radius") }
        if serverPort({ $0 == 514 }), syslog(datagram, strict: contentOnly) { return ServiceGuess(service: "syslog") }
        return nil
    }

    /// DNS as Zeek confirms it (see ``DNSMessageSummary/confirmsDNS``). `strict` (no port
    /// known) also asks for at least one question, since a bare 12-byte header with zero
    /// counts would otherwise pass.
    static func dns(_ parsed: DNSMessageSummary?, fromClient: Bool, strict: Bool) -> ServiceGuess? {
        guard let message = parsed, message.confirmsDNS else { return nil }
        if strict && message.query == nil && message.zone == nil { return nil }
        return ServiceGuess(service: "dns", dnsResponse: message.isResponse,
                            flipsRoles: message.isResponse && fromClient)
    }

    /// NTP (RFC 5905 §7.3; Zeek's ntp-protocol.pac): mode 1–5 needs the 48-byte header, mode 6
    /// (control) 12 bytes, mode 7 (private) 8 bytes; Zeek itself accepts mode 0 and any
    /// version. `strict` (no port known) asks for version 1–4, mode 1–5 and 48 bytes.
    static func ntp(_ d: UnsafeRawBufferPointer, fromClient: Bool, strict: Bool) -> ServiceGuess? {
        guard d.count >= 1 else { return nil }
        let version = (d[0] >> 3) & 0x07, mode = d[0] & 0x07
        let needed: Int
        switch mode {
        case 1...5: needed = 48
        case 6: needed = 12
        case 7: needed = 8
        default: needed = 1
        }
        guard d.count >= needed else { return nil }
        if strict && !((1...4).contains(version) && (1...5).contains(mode)) { return nil }
        let flips = (mode == 4 && fromClient) || (mode == 3 && !fromClient)
        return ServiceGuess(service: "ntp", ntpMode: mode, flipsRoles: flips)
    }

    /// DHCP/BOOTP (RFC 2131 §3; Zeek's dpd.sig `dhcp_cookie`): the magic cookie 63 82 53 63
    /// at offset 236, op 1 (request) or 2 (reply).
    static func dhcp(_ d: UnsafeRawBufferPointer) -> Bool {
        guard d.count >= 240, d[0] == 1 || d[0] == 2 else { return false }
        return d[236] == 0x63 && d[237] == 0x82 && d[238] == 0x53 && d[239] == 0x63
    }

    /// SIP (RFC 3261 §7; Zeek's dpd.sig): a request whose first bytes (Zeek matches the first
    /// 1024) hold ` SIP/d.d` CR LF, or a response starting with an optional space and
    /// `SIP/d.d` then CR LF or ` ddd `.
    static func sip(_ d: UnsafeRawBufferPointer) -> Bool {
        let n = min(d.count, 1024)
        func isDigit(_ i: Int) -> Bool { i < n && d[i] >= 0x30 && d[i] <= 0x39 }
        func version(at i: Int) -> Bool {
            i + 7 <= n && d[i] == 0x53 && d[i + 1] == 0x49 && d[i + 2] == 0x50 && d[i + 3] == 0x2F
                && isDigit(i + 4) && d[i + 5] == 0x2E && isDigit(i + 6)
        }
        var start = 0
        if n > 0 && d[0] == 0x20 { start = 1 }
        if version(at: start) {
            let i = start + 7
            if i + 1 < n && d[i] == 0x0D && d[i + 1] == 0x0A { return true }
            if i + 4 < n && d[i] == 0x20 && isDigit(i + 1) && isDigit(i + 2) && isDigit(i + 3) && d[i + 4] == 0x20 {
                return true
            }
        }
        var i = 0
        while i + 10 <= n {
            if d[i] == 0x20 && version(at: i + 1) && d[i + 8] == 0x0D && d[i + 9] == 0x0A { return true }
            i += 1
        }
        return false
    }

    /// Kerberos (RFC 4120 §5; Zeek's dpd.sig `dpd_krb_udp_requests` / `_replies`): an
    /// AS/TGS-REQ application tag (0x6a, 0x6c) or AS/TGS-REP/KRB-ERROR tag (0x6b, 0x6d,
    /// 0x7e), 1–4 length bytes, a SEQUENCE (0x30), 1–4 length bytes, then pvno 5 in
    /// context tag [1] (requests) or [0] (replies) and the start of the msg-type field.
    static func krb(_ d: UnsafeRawBufferPointer) -> Bool {
        guard d.count >= 1 else { return false }
        let tail: [UInt8]
        switch d[0] {
        case 0x6A, 0x6C: tail = [0xA1, 0x03, 0x02, 0x01, 0x05, 0xA2, 0x03, 0x02, 0x01]
        case 0x6B, 0x6D, 0x7E: tail = [0xA0, 0x03, 0x02, 0x01, 0x05, 0xA1, 0x03, 0x02, 0x01]
        default: return false
        }
        for first in 1...4 {
            let sequence = 1 + first
            guard sequence < d.count, d[sequence] == 0x30 else { continue }
            for second in 1...4 {
                let at = sequence + 1 + second
                guard at + tail.count <= d.count else { break }
                if (0..<tail.count).allSatisfy({ d[at + $0] == tail[$0] }) { return true }
            }
        }
        return false
    }

    /// SNMP (RFC 3416; Zeek's snmp-analyzer.pac confirms only on a message from the
    /// responder): a BER SEQUENCE whose length fits the datagram, then an INTEGER version
    /// 0 (v1), 1 (v2c) or 3 (v3).
    static func snmp(_ d: UnsafeRawBufferPointer) -> Bool {
        guard d.count >= 5, d[0] == 0x30 else { return false }
        var i = 1
        var length = Int(d[i]); i += 1
        if length & 0x80 != 0 {
            let bytes = length & 0x7F
            guard bytes >= 1, bytes <= 2, i + bytes <= d.count else { return false }
            length = 0
            for _ in 0..<bytes { length = length << 8 | Int(d[i]); i += 1 }
        }
        guard i + length == d.count, i + 3 <= d.count, d[i] == 0x02, d[i + 1] == 0x01 else { return false }
        return [0, 1, 3].contains(d[i + 2])
    }

    /// RADIUS (RFC 2865 §3; Zeek's radius-protocol.pac): code, identifier, length, a 16-byte
    /// authenticator, then attributes (type, length ≥ 2) that end exactly at the datagram's
    /// end. `strict` (no port known) also asks the length field to equal the datagram and a
    /// code RFC 2865/2866/5176 defines (1–5, 11–13, 40–45).
    static func radius(_ d: UnsafeRawBufferPointer, strict: Bool) -> Bool {
        guard d.count >= 20 else { return false }
        var i = 20
        while i < d.count {
            guard i + 1 < d.count else { return false }
            let length = Int(d[i + 1])
            guard length >= 2, i + length <= d.count else { return false }
            i += length
        }
        if strict {
            let declared = Int(d[2]) << 8 | Int(d[3])
            let codes: Set<UInt8> = [1, 2, 3, 4, 5, 11, 12, 13, 40, 41, 42, 43, 44, 45]
            return declared == d.count && codes.contains(d[0])
        }
        return true
    }

    /// Syslog (RFC 3164/5424; Zeek's syslog.spicy accepts any bytes, the `<PRI>` being
    /// optional). `strict` (no port known) asks for `<` 1–3 digits `>` at the start.
    static func syslog(_ d: UnsafeRawBufferPointer, strict: Bool) -> Bool {
        guard d.count > 0 else { return false }
        guard strict else { return true }
        guard d[0] == 0x3C else { return false }
        var i = 1
        while i < d.count && i <= 4 && d[i] >= 0x30 && d[i] <= 0x39 { i += 1 }
        return i > 1 && i <= 4 && i < d.count && d[i] == 0x3E
    }
}
