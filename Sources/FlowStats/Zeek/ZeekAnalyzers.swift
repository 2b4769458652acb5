// Zeek's UDP application analyzers that change how a connection is formed: DNS and NTP.
//
// Facts from Zeek master (a13de64fbb):
// - attachment by port: `scripts/base/protocols/dns/main.zeek` (`ports = { 53/udp, 53/tcp, 137/udp,
//   5353/udp, 5355/udp }`, `Analyzer::register_for_ports`), `scripts/base/protocols/ntp/main.zeek`
//   (`123/udp`); `IPBasedAnalyzer::BuildSessionAnalyzerTree` looks the *responder* port up once,
//   when the connection is made (after the likely_server_ports flip). Neither has a DPD signature:
//   content never attaches them.
// - role flips: `DNS_Interpreter::ParseMessage` (`src/analyzer/protocol/dns/DNS.cc`): the first
//   message with a whole 12-byte header and a known opcode (QUERY 0, NOTIFY 4, UPDATE 5; any on
//   NetBIOS port 137), if it is a response (QR) sent by the originator, flips the roles unless the
//   responder address is multicast. `proc_ntp_message` (`ntp-analyzer.pac`): a SERVER-mode (4)
//   message from the originator or a CLIENT-mode (3) one from the responder flips, once per
//   binpac flow (one per direction: `upflow`/`downflow` in `ntp.pac`), when the PDU parses (a
//   standard message is 48 bytes at least: `NTP_std_msg` in `ntp-protocol.pac`).
// - `dns_session_timeout` (10 s, `init-bare.zeek`): `DNS_Analyzer`'s `ExpireTimer`, armed at
//   creation + 10 s on UDP; run at t (the capture time that reached it: `PQ_TimerMgr::DoAdvance`
//   dispatches with the new network time), it removes the connection when
//   `t - last_time >= 10 s - 1 s`, else re-arms at t + 10 s (ZeekConnection.rearmsSessionTimer).

/// The first bytes of a UDP datagram's payload, for the analyzers above: taken from the frame
/// only under `--preset zeek`, for the innermost packet (``none`` everywhere else).
public struct ZeekPayloadPeek: Sendable, Equatable {
    /// Payload bytes 0…3, big-endian (missing bytes are 0).
    public var head: UInt32
    /// Payload bytes present in the capture (what Zeek's analyzers get: `min(len, caplen)`).
    public var length: Int
    /// Whether the packet's destination is a multicast address (IPv4 224/4, IPv6 ff00::/8).
    public var toMulticast: Bool

    public init(head: UInt32, length: Int, toMulticast: Bool) {
        self.head = head
        self.length = length
        self.toMulticast = toMulticast
    }

    /// No payload seen (not UDP, or not looked at).
    public static let none = ZeekPayloadPeek(head: 0, length: -1, toMulticast: false)

    /// The UDP payload of `p` in `frame` (`p` decoded from `frame`), or ``none`` when `p` is
    /// not a UDP packet with its whole header. Reads at most 4 bytes, all bounds-checked.
    public init(frame: UnsafeRawBufferPointer, _ p: borrowing DecodedPacket) {
        self = .none
        guard p.kind == .ip, p.ipProtocol == IPProtocol.udp.rawValue, p.hasPorts, p.transportOffset >= 0 else { return }
        let start = p.ipOffset + p.transportOffset + 8
        // The payload ends where the IP packet says, or where the capture does.
        let end = min(frame.count, p.ipOffset + p.ipLength)
        guard start >= 0, start <= end else { return }
        let n = end - start
        var head: UInt32 = 0
        for i in 0..<4 {
            head <<= 8
            if i < n { head |= UInt32(frame[start + i]) }
        }
        self.init(head: head, length: n, toMulticast: p.destination.isMulticast)
    }

    /// DNS header flags (payload bytes 2…3).
    var dnsFlags: UInt16 { UInt16(truncatingIfNeeded: head) }
    /// NTP mode (payload byte 0, low 3 bits).
    var ntpMode: UInt8 { UInt8(truncatingIfNeeded: head >> 24) & 0x07 }
}

/// Which of the analyzers above Zeek attached to a UDP connection, and their per-connection
/// state. One byte, kept in ``ZeekConnection``.
public struct ZeekAnalyzerState: Sendable, Equatable {
    /// At most 6 bits are used: ZeekConnection packs them with the protocol in one byte.
    var bits: UInt8

    static let dns: UInt8 = 1 << 0
    /// `DNS_Interpreter::first_message`: no whole DNS header with a known opcode seen yet.
    static let dnsFirstPending: UInt8 = 1 << 1
    /// DNS on NetBIOS port 137 (`is_netbios`): every opcode is parsed.
    static let netbios: UInt8 = 1 << 2
    static let ntp: UInt8 = 1 << 3
    /// `NTP_Flow::flipped_` of the flow fed with `is_orig` true / false.
    static let ntpOrigFlowFlipped: UInt8 = 1 << 4
    static let ntpRespFlowFlipped: UInt8 = 1 << 5

    /// No analyzer (every connection outside `--preset zeek`, and every non-UDP one).
    public static let none = ZeekAnalyzerState(bits: 0)

    /// DNS's UDP ports (`DNS::ports` without 53/tcp).
    public static let dnsPorts: [UInt16] = [53, 137, 5353, 5355]
    /// NTP's port (`NTP::ports`).
    public static let ntpPort: UInt16 = 123
    /// NetBIOS name service (`DNS.cc`'s `NETBIOS_PORT`).
    static let netbiosPort: UInt16 = 137

    /// `dns_session_timeout` (`init-bare.zeek`: 10 sec).
    public static let dnsSessionTimeoutNs: Int64 = 10_000_000_000
    /// The slack `DNS_Analyzer::ExpireTimer` allows (`dns_session_timeout - 1.0`).
    static let dnsExpireSlackNs: Int64 = 1_000_000_000

    /// The analyzers Zeek attaches to a new UDP connection with these ports (the responder's
    /// as Zeek decided it at creation, after the likely_server_ports flip). DNS's
    /// `is_netbios` looks at both ports.
    public static func attached(responderPort: UInt16, originatorPort: UInt16) -> ZeekAnalyzerState {
        var s: UInt8 = 0
        if dnsPorts.contains(responderPort) {
            s |= dns | dnsFirstPending
            if responderPort == netbiosPort || originatorPort == netbiosPort { s |= netbios }
        }
        if responderPort == ntpPort { s |= ntp }
        return ZeekAnalyzerState(bits: s)
    }

    /// Whether DNS's session timer runs (the DNS analyzer is attached; UDP only).
    public var hasDNSTimer: Bool { bits & Self.dns != 0 }
    public var hasDNS: Bool { bits & Self.dns != 0 }
    public var hasNTP: Bool { bits & Self.ntp != 0 }

    /// Feeds one accepted datagram (valid checksum) to the attached analyzers, in Zeek's
    /// child order (DNS and NTP are port analyzers: both come before ConnSize). `isOrig` is
    /// the sender's role as Zeek sees it before this packet. Returns whether the roles flip
    /// (at most once per packet: DNS and NTP are never both attached, their ports differ).
    mutating func deliver(_ peek: ZeekPayloadPeek, isOrig: Bool) -> Bool {
        guard bits != 0, peek.length >= 0 else { return false }
        var flip = false
        if bits & Self.dns != 0, bits & Self.dnsFirstPending != 0, peek.length >= 12 {
            let flags = peek.dnsFlags
            let opcode = (flags & 0x7800) >> 11
            // Unknown opcodes return before `first_message` is cleared.
            if opcode == 0 || opcode == 4 || opcode == 5 || bits & Self.netbios != 0 {
                bits &= ~Self.dnsFirstPending
                let isResponse = flags & 0x8000 != 0
                if isResponse && isOrig && !peek.toMulticast { flip = true }
            }
        }
        if bits & Self.ntp != 0, peek.length >= 48 {
            let mode = peek.ntpMode
            let flowBit = isOrig ? Self.ntpOrigFlowFlipped : Self.ntpRespFlowFlipped
            if ((mode == 4 && isOrig) || (mode == 3 && !isOrig)) && bits & flowBit == 0 {
                bits |= flowBit
                flip = true
            }
        }
        return flip
    }
}

extension IPAddress {
    /// IPv4 224.0.0.0/4 or IPv6 ff00::/8 (Zeek's `IPAddr::IsMulticast`).
    var isMulticast: Bool {
        isIPv4 ? (low & 0xF000_0000) == 0xE000_0000 : (high >> 56) == 0xFF
    }
}
