/// One connection as Zeek accounts it for conn.log: a value type fed packet by packet.
///
/// It replicates, for one connection, what Zeek does between `IPBasedAnalyzer` finding the
/// connection and `conn/main.zeek` logging it: TCP endpoint states and sequence-number
/// sizes (`TCPSessionAdapter`, `TCP_Endpoint`), the history letters (`update_history`,
/// `Session::CheckHistory`, `Connection::ScaledHistoryEntry`), content gaps as the TCP
/// reassembler reports them on acks (`TCP_Reassembler`, `Reassembler::TrimToSeq`), packet
/// and IP-byte counts (`ConnSize_Analyzer`), UDP/ICMP sizes and states, the role flips,
/// and `conn_state()`. Each rule below names the Zeek function it follows (Zeek master,
/// `src/packet_analysis/protocol/tcp/TCPSessionAdapter.cc` unless said otherwise).
///
/// The caller (the flow table) finds the connection, decides the originator once with
/// ``shouldFlip(protocol:firstPacketFlags:sourcePort:destinationPort:destinationIsBroadcast:likelyServerPorts:)``,
/// passes each packet with `isOrig` in that orientation, and ends the connection at
/// ``expiryNs(_:)`` or when ``add(_:)`` answers ``ZeekAddResult/newConnection``.
///
/// The state is small (``inlineSizeBound`` bytes at most, checked by a test): what every
/// connection needs is inline, and two things that are rarely large live out of line, each
/// allocated the first time it is needed and copied on write (``ZeekOverflow``) — a
/// reassembler's held ranges once there are two or more (data above a hole), and a history
/// of more than 16 letters. Per-packet work allocates only then; ordinary traffic (in-order
/// data, one range of delivered but unacked data per side) never does.
public struct ZeekConnection: Sendable {
    /// Everything but the two TCP endpoints. The per-packet work runs on `core` with the
    /// endpoints passed `inout` (distinct stored properties of `self`), so neither the
    /// endpoints nor the connection are copied per packet.
    private var core: Core

    // MARK: TCP adapter state (TCPSessionAdapter)

    /// The endpoints in their current roles: `orig.isOrig` is always true, `resp.isOrig`
    /// always false (a flip while processing a packet swaps them afterwards).
    private var orig = ZeekTCPEndpoint(isOrig: true)
    private var resp = ZeekTCPEndpoint(isOrig: false)

    public var `protocol`: ZeekProtocol { core.protocol }

    /// Everything ``expiryNs(_:)`` depends on but the last packet's time: the flags (closed,
    /// active, inactivity armed, …), the analyzers, the attempt and close times and both
    /// endpoints' states. While it stays the same, a later packet can only move the expiry
    /// later (each term is the last time plus a constant, a fixed time, or the first timer
    /// tick after the last time plus a constant), so the flow table need not queue the
    /// flow again (its queued entry fires first and finds it not due).
    /// (The attempt time is set once, with a bit of `mode`; the endpoints' states and close
    /// flags are packed into one word.)
    struct TimerState: Equatable {
        let bits: UInt32
        let endpoints: UInt32
        let closeBaseNs: Int64
    }

    var timerState: TimerState {
        @inline(__always) get {
            let endpoints = UInt32(orig.state.rawValue) | UInt32(resp.state.rawValue) << 8
                | (orig.didClose ? 1 << 16 : 0) | (resp.didClose ? 1 << 17 : 0)
            return TimerState(bits: core.timerBits, endpoints: endpoints, closeBaseNs: core.closeBaseNs)
        }
    }

    /// Whether the next TCP packet without SYN/FIN/RST (valid checksum, usable header)
    /// takes the steady-state path (for the tests).
    var takesSteadyPath: Bool { core.steadyTCP }

    /// Whether Zeek flipped the roles at least once (the history holds a `^`).
    public var flipped: Bool { core.flipped }
    /// Whether Zeek swapped the roles after the connection was made (TCP's SYN/SYN-ACK
    /// reversal in `UpdateInactiveState`): the flow table's originator is then Zeek's
    /// responder. Every output here is already in Zeek's orientation; swap the id
    /// fields (orig_h/orig_p ↔ resp_h/resp_p) when writing the row. Packets keep being
    /// passed with the flow table's `isOrig`.
    public var rolesSwapped: Bool { core.rolesSwapped }

    /// `ConnSize_Analyzer` counts: packets and IP total lengths per side, of the packets
    /// Zeek processed (not those dropped for a bad checksum or an unusable TCP header,
    /// nor ICMP packets cut short by the snap length).
    public var origPackets: Int { core.origPackets }
    public var respPackets: Int { core.respPackets }
    public var origIPBytes: Int { core.origIPBytes }
    public var respIPBytes: Int { core.respIPBytes }

    /// `start_time`: the first packet's time (any packet, even one then dropped).
    public var startTimeNs: Int64 { core.startTimeNs }
    /// `last_time`: the last packet Zeek accepted; for TCP, not moved once both sides'
    /// closes were reported (`if ( ! orig->did_close || ! resp->did_close ) SetLastTime`),
    /// which keeps a final ACK out of the duration.
    public var lastTimeNs: Int64 { core.lastTimeNs }
    /// `last_time` when the close completed (`ConnDeleteTimer` at it + `tcp_close_delay`).
    public var closedAtNs: Int64? { core.closed ? core.closeBaseNs : nil }

    /// An upper bound of `MemoryLayout<ZeekConnection>.size`, which the tests check: the
    /// engine's state is inline in every flow of every schema.
    static let inlineSizeBound = 264

    /// The connection's state apart from the TCP endpoints. The flags are bits of two bytes
    /// that follow the history's tail, so that they pack with it; times that may be absent
    /// hold ``unset`` rather than being optional. Two rare values (the missed bytes, an
    /// attempt time other than the start) are in the history's spare words, out of line.
    fileprivate struct Core: Sendable {
        /// An absent time: no capture time is this far before 1970.
        static let unset = Int64.min

        var hist = ZeekHistory()
        /// The protocol (low 2 bits) and the DNS / NTP analyzers attached by port with their
        /// state (``ZeekAnalyzerState``, 6 bits; UDP only, ZeekAnalyzers.swift), in one byte:
        /// the engine's state is inline in every flow of every schema.
        private var protocolAndAnalyzers: UInt8
        var `protocol`: ZeekProtocol {
            switch protocolAndAnalyzers & 3 {
            case 0: .tcp
            case 1: .udp
            case 2: .icmp
            default: .other
            }
        }
        var analyzers: ZeekAnalyzerState {
            get { ZeekAnalyzerState(bits: protocolAndAnalyzers >> 2) }
            set { protocolAndAnalyzers = (protocolAndAnalyzers & 3) | (newValue.bits << 2) }
        }
        /// What ``ZeekConnection/expiryNs(_:)`` reads besides the last packet time, in one
        /// value (``ZeekConnection/TimerState``).
        var timerBits: UInt32 {
            @inline(__always) get { UInt32(protocolAndAnalyzers) | UInt32(mode) << 8 | UInt32(flags) << 16 }
        }
        /// Bits read on every packet, and `first_packet_seen` (see the properties below).
        private var mode: UInt8 = 0
        /// The other flags (see the properties below); `is_active` starts set.
        private var flags: UInt8 = Self.isActiveBit

        var origPackets = 0
        var respPackets = 0
        var origIPBytes = 0
        var respIPBytes = 0

        var startTimeNs: Int64 = 0
        var lastTimeNs: Int64 = 0

        /// When ``closed``: `last_time` when the close completed (`ConnDeleteTimer` at it
        /// + `tcp_close_delay`). Before: `last_time` when a one-sided close armed another
        /// `ExpireTimer` chain, or ``unset``. One field serves both: once the close is
        /// complete, no one-sided close can follow (the side that closed has `did_close`),
        /// and the expiry no longer looks at the extra chain.
        var closeBaseNs = unset
        /// With DNS attached (UDP): when `DNS_Analyzer::ExpireTimer` runs next (``unset`` before
        /// the first packet). A UDP connection never closes, so this shares ``closeBaseNs``'s
        /// storage (the engine's state is inline in every flow: no byte is added for it).
        var dnsTimerNs: Int64 {
            get { closeBaseNs }
            set { closeBaseNs = newValue }
        }

        init(protocol: ZeekProtocol) {
            switch `protocol` {
            case .tcp: protocolAndAnalyzers = 0
            case .udp: protocolAndAnalyzers = 1
            case .icmp: protocolAndAnalyzers = 2
            case .other: protocolAndAnalyzers = 3
            }
        }

        // The bits of `mode`
        private static let steadyBit: UInt8 = 1 << 0
        private static let rolesSwappedBit: UInt8 = 1 << 1
        private static let firstPacketShift: UInt8 = 2  // two bits
        private static let attemptSetBit: UInt8 = 1 << 4
        private static let attemptAtStartBit: UInt8 = 1 << 5
        // The bits of `flags`
        private static let flippedBit: UInt8 = 1 << 0
        private static let startedBit: UInt8 = 1 << 1
        private static let isPartialBit: UInt8 = 1 << 2
        private static let closeDeferredBit: UInt8 = 1 << 3
        private static let deferredGenEventBit: UInt8 = 1 << 4
        private static let isActiveBit: UInt8 = 1 << 5
        private static let closedBit: UInt8 = 1 << 6
        private static let tcpInactivityArmedBit: UInt8 = 1 << 7

        @inline(__always)
        private static func bit(_ byte: UInt8, _ mask: UInt8) -> Bool { byte & mask != 0 }

        @inline(__always)
        private static func set(_ byte: inout UInt8, _ mask: UInt8, _ on: Bool) {
            byte = on ? byte | mask : byte & ~mask
        }

        /// A TCP connection whose sides' first packets were both seen and whose endpoints
        /// are both past inactive: a packet without SYN/FIN/RST and with a valid checksum
        /// may take ``processSteadyTCP(_:ep:peer:)``. Set after each packet of the general
        /// path, the only one that changes what it depends on.
        var steadyTCP: Bool {
            @inline(__always) get { Self.bit(mode, Self.steadyBit) }
            @inline(__always) set { Self.set(&mode, Self.steadyBit, newValue) }
        }
        var rolesSwapped: Bool {
            @inline(__always) get { Self.bit(mode, Self.rolesSwappedBit) }
            @inline(__always) set { Self.set(&mode, Self.rolesSwappedBit, newValue) }
        }
        /// `first_packet_seen`: bit 1 originator, bit 2 responder.
        var firstPacketSeen: UInt8 {
            @inline(__always) get { (mode >> Self.firstPacketShift) & 3 }
            @inline(__always) set {
                mode = mode & ~(3 << Self.firstPacketShift) | (newValue & 3) << Self.firstPacketShift
            }
        }
        var flipped: Bool {
            @inline(__always) get { Self.bit(flags, Self.flippedBit) }
            @inline(__always) set { Self.set(&flags, Self.flippedBit, newValue) }
        }
        var started: Bool {
            @inline(__always) get { Self.bit(flags, Self.startedBit) }
            @inline(__always) set { Self.set(&flags, Self.startedBit, newValue) }
        }
        var isPartial: Bool {
            @inline(__always) get { Self.bit(flags, Self.isPartialBit) }
            @inline(__always) set { Self.set(&flags, Self.isPartialBit, newValue) }
        }
        var closeDeferred: Bool {
            @inline(__always) get { Self.bit(flags, Self.closeDeferredBit) }
            @inline(__always) set { Self.set(&flags, Self.closeDeferredBit, newValue) }
        }
        var deferredGenEvent: Bool {
            @inline(__always) get { Self.bit(flags, Self.deferredGenEventBit) }
            @inline(__always) set { Self.set(&flags, Self.deferredGenEventBit, newValue) }
        }
        /// `is_active`: cleared by `ConnectionFinished` / `ConnectionReset`.
        var isActive: Bool {
            @inline(__always) get { Self.bit(flags, Self.isActiveBit) }
            @inline(__always) set { Self.set(&flags, Self.isActiveBit, newValue) }
        }
        /// The close is complete (``closeBaseNs`` is then `last_time` at that moment).
        var closed: Bool {
            @inline(__always) get { Self.bit(flags, Self.closedBit) }
            @inline(__always) set { Self.set(&flags, Self.closedBit, newValue) }
        }
        /// `tcp_inactivity_timeout` armed (an endpoint left the handshake states).
        var tcpInactivityArmed: Bool {
            @inline(__always) get { Self.bit(flags, Self.tcpInactivityArmedBit) }
            @inline(__always) set { Self.set(&flags, Self.tcpInactivityArmedBit, newValue) }
        }

        /// The sum of the `content_gap` lengths (history spare word 0: usually 0).
        var missed: UInt64 {
            get { hist.spareWord(0) }
            set { hist.setSpareWord(0, newValue) }
        }

        /// Time of the originator's first SYN (`AttemptTimer` armed for it + `tcp_attempt_delay`),
        /// or ``unset``. Usually the start time (a bit says so); another time is kept in
        /// history spare word 1. Set once.
        var attemptStartNs: Int64 {
            get {
                guard Self.bit(mode, Self.attemptSetBit) else { return Self.unset }
                return Self.bit(mode, Self.attemptAtStartBit) ? startTimeNs : Int64(bitPattern: hist.spareWord(1))
            }
            set {
                Self.set(&mode, Self.attemptSetBit, true)
                if newValue == startTimeNs {
                    Self.set(&mode, Self.attemptAtStartBit, true)
                } else {
                    Self.set(&mode, Self.attemptAtStartBit, false)
                    hist.setSpareWord(1, UInt64(bitPattern: newValue))
                }
            }
        }

        // UDP / ICMP keep `request_len`/`reply_len` and their checksum counters in the
        // endpoints (ZeekTCPEndpoint.datagramLength, checksumErrors).
    }

    /// A connection whose originator the caller has decided. `flipped` is the answer of
    /// ``shouldFlip(protocol:firstPacketFlags:sourcePort:destinationPort:destinationIsBroadcast:likelyServerPorts:)``
    /// for the first packet: Zeek then starts the history with `^`
    /// (`IPBasedAnalyzer::NewConn` → `Connection::FlipRoles` → `AddHistory('^')`).
    /// `analyzers`: the DNS / NTP analyzers Zeek attached by port
    /// (``ZeekAnalyzerState/attached(responderPort:originatorPort:)``; UDP only, `--preset zeek`).
    public init(protocol: ZeekProtocol, flipped: Bool = false, analyzers: ZeekAnalyzerState = .none) {
        core = Core(protocol: `protocol`)
        if `protocol` != .tcp {
            orig.datagramLength = -1  // UDP_INACTIVE
            resp.datagramLength = -1
        }
        if flipped {
            core.flipped = true
            core.hist.flipRoles()
        }
        if `protocol` == .udp { core.analyzers = analyzers }
    }

    /// The DNS / NTP analyzers attached, with their state.
    public var analyzers: ZeekAnalyzerState { core.analyzers }

    // MARK: - Direction

    /// Zeek's role heuristic for a new connection (`IPBasedAnalyzer::NewConn`):
    /// - TCP (`TCPAnalyzer::WantConnection`): only when the first packet is not a plain SYN
    ///   (no SYN, or SYN with ACK). Flip when the source port is a likely server port and
    ///   the destination port is not; when both are, flip only if the packet carries no
    ///   SYN and the source port is the lower.
    /// - UDP (`UDPAnalyzer::WantConnection`): source likely and destination not.
    /// - ICMP and other protocols: never.
    /// - Never when the destination is the IPv4 broadcast address 255.255.255.255
    ///   (`if ( flip && ! id->dst_addr.IsBroadcast() )`).
    public static func shouldFlip(protocol: ZeekProtocol, firstPacketFlags: UInt8, sourcePort: UInt16,
                                  destinationPort: UInt16, destinationIsBroadcast: Bool = false,
                                  likelyServerPorts: ZeekServerPorts = .zeekDefault) -> Bool {
        guard !destinationIsBroadcast else { return false }
        switch `protocol` {
        case .tcp:
            let syn = firstPacketFlags & TCPFlag.syn != 0
            let ack = firstPacketFlags & TCPFlag.ack != 0
            guard !syn || ack else { return false }
            guard likelyServerPorts.contains(sourcePort, .tcp) else { return false }
            if likelyServerPorts.contains(destinationPort, .tcp) {
                return !syn && sourcePort < destinationPort
            }
            return true
        case .udp:
            return likelyServerPorts.contains(sourcePort, .udp) && !likelyServerPorts.contains(destinationPort, .udp)
        case .icmp, .other:
            return false
        }
    }

    // MARK: - Packets

    /// Accounts one packet (see ``ZeekAddResult``).
    @inline(never)
    public mutating func add(_ p: ZeekPacket) -> ZeekAddResult {
        // Most packets: TCP without SYN/FIN/RST, with a valid checksum and a usable header,
        // once both sides have spoken (Core.steadyTCP). Such a packet cannot start a new
        // connection (only a SYN can) and changes no state, role or first-packet flag.
        if core.steadyTCP && p.tcpFlags & (TCPFlag.syn | TCPFlag.fin | TCPFlag.rst) == 0 && p.checksumValid
            && p.headerComplete {
            if p.isOrig != core.rolesSwapped {
                core.processSteadyTCP(p, ep: &orig, peer: &resp)
            } else {
                core.processSteadyTCP(p, ep: &resp, peer: &orig)
            }
            return .accepted
        }
        return addAny(p)
    }

    /// ``add(_:)`` for any packet: every TCP packet through the general path, which runs
    /// Zeek's rules in full (the tests compare ``add(_:)`` with it).
    @inline(never)
    mutating func addAny(_ p: ZeekPacket) -> ZeekAddResult {
        let isOrig = p.isOrig != core.rolesSwapped
        if !core.started {
            core.started = true
            core.startTimeNs = p.timestampNs
            core.lastTimeNs = p.timestampNs
            // The DNS analyzer arms its timer when it is made, at the first packet's time.
            if core.analyzers.hasDNSTimer { core.dnsTimerNs = p.timestampNs &+ ZeekAnalyzerState.dnsSessionTimeoutNs }
        } else if core.protocol == .tcp, p.tcpFlags & TCPFlag.syn != 0, p.headerComplete, isReuse(p) {
            return .newConnection
        }
        switch core.protocol {
        case .tcp:
            guard p.headerComplete else { break }
            // In place: the sender's endpoint and its peer as distinct stored properties.
            if isOrig {
                core.processTCP(p, isOrig: true, ep: &orig, peer: &resp)
            } else {
                core.processTCP(p, isOrig: false, ep: &resp, peer: &orig)
            }
            // A role flip while processing toggled the endpoints' roles: keep `orig`
            // the originator's (rare, so the copy does not matter).
            if !orig.isOrig { swap(&orig, &resp) }
            // Only this path changes the states, the roles and first_packet_seen.
            core.steadyTCP = core.firstPacketSeen == 3 && orig.state != .inactive && resp.state != .inactive
        case .udp:
            if isOrig {
                core.processUDP(p, isOrig: true, ep: &orig)
            } else {
                core.processUDP(p, isOrig: false, ep: &resp)
            }
        case .icmp:
            if isOrig {
                core.processICMP(p, isOrig: true, ep: &orig)
            } else {
                core.processICMP(p, isOrig: false, ep: &resp)
            }
        case .other:
            core.lastTimeNs = p.timestampNs
            core.count(isOrig: isOrig, ipLength: p.ipLength)
        }
        return .accepted
    }

    /// Records Zeek's `X` (`Analyzer::LimitReachedWeird` and the tunnel decoders'
    /// `exceeded_tunnel_max_depth`: `CheckHistory(HIST_UNKNOWN_PKT, 'X')`, once) — for the
    /// caller to use when it knows Zeek would have hit such a limit.
    public mutating func noteAnalysisLimit() {
        _ = core.hist.check(0x400, UInt8(ascii: "X"))
    }

    /// `TCPSessionAdapter::IsReuse`: only a SYN can start a new connection on a known
    /// 5-tuple — a SYN-ACK only while the originator never spoke (then compared with the
    /// responder). While neither side's close has been reported, the SYN is a reuse
    /// unless its sequence number is the start of that side (a retransmitted SYN), or it
    /// is the SYN of a SYN/SYN-ACK pair seen in reverse order. Once a close was reported
    /// any SYN is a reuse. (Inlined into ``addAny(_:)``: as a call from a mutating method
    /// it would copy the whole connection.)
    @inline(__always)
    private func isReuse(_ p: ZeekPacket) -> Bool {
        let flags = p.tcpFlags
        guard flags & TCPFlag.syn != 0 else { return false }
        let synAck = flags & TCPFlag.ack != 0
        if synAck && orig.state != .inactive { return false }
        if !(orig.didClose || resp.didClose) {
            // The side compared: the responder for a SYN-ACK, else the originator.
            let connOrigStart = synAck ? resp.startSeq : orig.startSeq
            if p.sequence == connOrigStart { return false }
            if !synAck && orig.state == .synAckSent && resp.state == .inactive
                && p.sequence == resp.startSeq {
                return false
            }
        }
        return true
    }

    /// `DNS_Analyzer::ExpireTimer` run by Zeek's timer manager at capture time `now` (the first
    /// packet time at or after the timer's): when the connection has been quiet for less than
    /// `dns_session_timeout - 1 s` (9 s), the timer re-arms at `now` + 10 s and this returns
    /// true (the connection lives on); otherwise false (it is removed, unless nothing was due:
    /// false too when the DNS timer is not due by `now`). Zeek passes the dispatch time, not
    /// the scheduled one, so later runs follow the capture's packets.
    public mutating func rearmsSessionTimer(at now: Int64) -> Bool {
        guard core.protocol == .udp, core.analyzers.hasDNSTimer, core.dnsTimerNs != Core.unset,
              core.dnsTimerNs <= now else { return false }
        let quietFor = now &- core.lastTimeNs
        guard quietFor < ZeekAnalyzerState.dnsSessionTimeoutNs - ZeekAnalyzerState.dnsExpireSlackNs else { return false }
        core.dnsTimerNs = now &+ ZeekAnalyzerState.dnsSessionTimeoutNs
        return true
    }

    // MARK: - Results

    /// `c$history` (empty when Zeek logs `-`).
    public var history: String { core.hist.string }

    /// Number of letters in ``history``.
    public var historyLength: Int { Int(core.hist.count) }

    /// Runs `body` with ``history`` as its ASCII bytes (empty when Zeek logs `-`), without
    /// building a `String`.
    @inline(__always)
    public func withHistoryBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try core.hist.withBytes(body)
    }

    /// Zeek's TCP endpoint states (`c$orig$state`, `c$resp$state`); `.inactive` for
    /// non-TCP connections.
    public var origTCPState: ZeekTCPState { `protocol` == .tcp ? orig.state : .inactive }
    public var respTCPState: ZeekTCPState { `protocol` == .tcp ? resp.state : .inactive }

    /// `c$orig$size` as Zeek's 64-bit count: TCP from sequence numbers
    /// (`TCP_Endpoint::Size`), UDP/ICMP the payload sum, 0 for other protocols.
    public var origSize: UInt64 {
        switch `protocol` {
        case .tcp: orig.size(peerState: resp.state)
        case .udp, .icmp: UInt64(max(orig.datagramLength, 0))
        case .other: 0
        }
    }

    /// `c$resp$size`, as ``origSize``.
    public var respSize: UInt64 {
        switch `protocol` {
        case .tcp: resp.size(peerState: orig.state)
        case .udp, .icmp: UInt64(max(resp.datagramLength, 0))
        case .other: 0
        }
    }

    /// conn.log `orig_bytes` (logged only when ``sizesLogged``).
    public var origBytes: Int { Int(clamping: origSize) }
    /// conn.log `resp_bytes` (logged only when ``sizesLogged``).
    public var respBytes: Int { Int(clamping: respSize) }

    /// conn.log `missed_bytes`: the sum of the `content_gap` lengths.
    public var missedBytes: Int { Int(clamping: core.missed) }

    /// `c$duration` (`last_time - start_time`).
    public var durationNs: Int64 { core.lastTimeNs - core.startTimeNs }

    /// `set_conn`: duration, orig_bytes and resp_bytes are logged only when the duration
    /// is above zero; otherwise the three are `-`.
    public var sizesLogged: Bool { durationNs > 0 }

    /// TCP close complete (both closes reported, a RST, or a close while the peer never
    /// spoke): Zeek removes the connection at ``closedAtNs`` + `tcp_close_delay`.
    public var isClosed: Bool { core.closed }

    /// `conn_state()` from `base/protocols/conn/main.zeek`, as text (``connStateCode``'s name).
    public var connState: String { connStateCode.string }

    /// ``connState`` as a static string: no `String` is built.
    public var connStateName: StaticString {
        @inline(__always) get { connStateCode.name }
    }

    /// `conn_state()` from `base/protocols/conn/main.zeek`. (Inlined, as the row writers'
    /// other reads: a call on a record read through a pointer copies the connection.)
    public var connStateCode: ZeekConnState {
        @inline(__always) get {
            switch core.protocol {
            case .tcp:
                let os = orig.state
                let rs = resp.state
                let origInactive = os == .inactive || os == .partial
                let respInactive = rs == .inactive || rs == .partial
                if rs == .reset {
                    if os == .synSent || os == .synAckSent || (os == .reset && origSize == 0 && respSize == 0) {
                        return .rej
                    }
                    return origInactive ? .rstrh : .rstr
                }
                if os == .reset {
                    if respInactive { return core.hist.matchesRSTOS0Pattern ? .rstos0 : .oth }
                    return .rsto
                }
                if rs == .closed && os == .closed { return .sf }
                if os == .closed { return respInactive ? .sh : .s2 }
                if rs == .closed { return origInactive ? .shr : .s3 }
                if os == .synSent && rs == .inactive { return .s0 }
                if os == .established && rs == .established { return .s1 }
                return .oth
            case .udp:
                if orig.datagramLength >= 0 { return resp.datagramLength >= 0 ? .sf : .s0 }
                return resp.datagramLength >= 0 ? .shr : .oth
            case .icmp, .other:
                return .oth
            }
        }
    }

    /// When Zeek would remove the connection if no further packet came (its timers fire
    /// when capture time reaches them, before the packet at that time is processed):
    /// - UDP, ICMP, other: last time + the inactivity timeout.
    /// - TCP: the earliest of last time + inactivity (`udp_inactivity_timeout` until the
    ///   handshake ends, then `tcp_inactivity_timeout`); a complete close: its last time +
    ///   `tcp_close_delay` (other TCP timers cancelled); an unanswered SYN: first SYN +
    ///   `tcp_attempt_delay` (`AttemptTimer`); and `ExpireTimer`, which runs at creation +
    ///   `tcp_SYN_timeout` then every `tcp_session_timer` and removes a connection quiet
    ///   for `tcp_connection_linger` that has one side closed and the other closed, reset
    ///   or silent, or whose sides both never got past a dropped packet. (Zeek reschedules
    ///   from the time the timer actually ran; this takes the scheduled times.)
    /// (Inlined: the flow table calls it once per packet on a record in its storage, and a
    /// call would copy the connection — with retains — to pass it.)
    @inline(__always)
    public func expiryNs(_ timers: ZeekTimers = ZeekTimers()) -> Int64 {
        switch core.protocol {
        case .udp:
            let inactivity = core.lastTimeNs &+ timers.udpInactivityTimeoutNs
            guard core.analyzers.hasDNSTimer, core.dnsTimerNs != Core.unset else { return inactivity }
            // The DNS timer's next run: it removes the connection then or re-arms
            // (``rearmsSessionTimer(at:)``, which the flow table asks when it comes).
            return min(inactivity, core.dnsTimerNs)
        case .icmp: return core.lastTimeNs &+ timers.icmpInactivityTimeoutNs
        case .other: return core.lastTimeNs &+ timers.unknownIPInactivityTimeoutNs
        case .tcp: break
        }
        var deadline = core.lastTimeNs &+ (core.tcpInactivityArmed ? timers.tcpInactivityTimeoutNs : timers.udpInactivityTimeoutNs)
        if core.closed { return min(deadline, core.closeBaseNs &+ timers.tcpCloseDelayNs) }
        guard core.isActive else { return deadline }
        if core.attemptStartNs != Core.unset, orig.state == .synSent || orig.state == .synAckSent,
           resp.state == .inactive {
            deadline = min(deadline, core.attemptStartNs &+ timers.tcpAttemptDelayNs)
        }
        let oneClosed = orig.didClose || resp.didClose
        let finished = orig.didClose && resp.didClose || orig.state == .reset || resp.state == .reset
            || orig.state == .inactive || resp.state == .inactive
        if (oneClosed && finished) || (orig.state == .inactive && resp.state == .inactive) {
            let quietUntil = core.lastTimeNs &+ timers.tcpConnectionLingerNs
            func firstTick(from base: Int64) -> Int64 {
                if base > quietUntil { return base }
                let period = max(1, timers.tcpSessionTimerNs)
                return base &+ ((quietUntil - base) / period + 1) &* period
            }
            deadline = min(deadline, firstTick(from: core.startTimeNs &+ timers.tcpSYNTimeoutNs))
            if core.closeBaseNs != Core.unset {  // not closed: the one-sided close's chain
                deadline = min(deadline, firstTick(from: core.closeBaseNs &+ timers.tcpSessionTimerNs))
            }
        }
        return deadline
    }
}

// MARK: - Processing

/// The per-packet work. Endpoints are passed `inout` even where a function only reads one
/// (the `peer`/`other` side): a by-value parameter of this size is copied at each call.
///
/// Most TCP packets carry no SYN, FIN or RST, travel between two sides that have both
/// spoken, and continue the stream. For them most of Zeek's rules do nothing, so each
/// rule's entry test is inlined into ``processTCP(_:isOrig:ep:peer:)`` and the rule's
/// function is called only when that test passes.
extension ZeekConnection.Core {
    /// `ConnSize_Analyzer::DeliverPacket`.
    @inline(__always)
    mutating func count(isOrig: Bool, ipLength: Int) {
        if isOrig {
            origPackets &+= 1
            origIPBytes &+= ipLength
        } else {
            respPackets &+= 1
            respIPBytes &+= ipLength
        }
    }

    /// `UDPAnalyzer::DeliverPacket` and `UDPSessionAdapter`: a bad checksum records `C`/`c`
    /// logarithmically (`HandleBadChecksum`) and drops the packet (not counted, no time);
    /// otherwise the last time moves, `D`/`d` is recorded once per side (also for an empty
    /// datagram), and the side's size grows by the UDP length field less 8
    /// (`UpdateLength`).
    mutating func processUDP(_ p: ZeekPacket, isOrig: Bool, ep: inout ZeekTCPEndpoint) {
        guard p.checksumValid else {
            hist.scaled(isOrig ? UInt8(ascii: "C") : UInt8(ascii: "c"), &ep.checksumErrors)
            return
        }
        lastTimeNs = p.timestampNs
        let length = (p.udpLengthField ?? (p.payloadLength + 8)) - 8
        if isOrig {
            _ = hist.check(0x1, UInt8(ascii: "D"))
        } else {
            _ = hist.check(0x2, UInt8(ascii: "d"))
        }
        Self.updateLength(&ep, length)
        // The port analyzers (DNS, NTP) see the datagram before ConnSize, which then counts it
        // with the `is_orig` it was given, into counters a flip has swapped.
        if analyzers.bits != 0, analyzers.deliver(p.peek, isOrig: isOrig) { analyzerFlip() }
        count(isOrig: isOrig, ipLength: p.ipLength)
    }

    /// `Connection::FlipRoles` called by an application analyzer mid-packet (DNS, NTP): the
    /// roles swap (``ZeekConnection/rolesSwapped``), ConnSize's counters swap
    /// (`ConnSize_Analyzer::FlipRoles`), `^` is appended. The UDP sizes (`request_len`,
    /// `reply_len`: `UDPSessionAdapter` has no FlipRoles) and the history's seen-letters mask
    /// stay as they are, so a `D` already recorded keeps the new originator from adding one.
    mutating func analyzerFlip() {
        rolesSwapped.toggle()
        flipped = true
        swap(&origPackets, &respPackets)
        swap(&origIPBytes, &respIPBytes)
        hist.add(UInt8(ascii: "^"))
    }

    /// `ICMPAnalyzer::DeliverPacket` and `ICMPSessionAdapter`: a bad checksum drops the
    /// packet without a history letter; otherwise the last time moves and the side's size
    /// grows by the message length less 8. The packet is counted only when the capture
    /// holds all of it (`if ( remaining >= len ) adapter->ForwardPacket(...)`).
    /// ICMP has no history letters.
    mutating func processICMP(_ p: ZeekPacket, isOrig: Bool, ep: inout ZeekTCPEndpoint) {
        guard p.checksumValid else { return }
        lastTimeNs = p.timestampNs
        Self.updateLength(&ep, p.payloadLength)
        if p.capturedPayloadLength >= p.payloadLength {
            count(isOrig: isOrig, ipLength: p.ipLength)
        }
    }

    /// `UpdateLength`: the first packet sets the side's size, later ones add to it.
    private static func updateLength(_ ep: inout ZeekTCPEndpoint, _ length: Int) {
        let current = ep.datagramLength
        ep.datagramLength = current < 0 ? length : current + length
    }

    // MARK: TCP

    /// `TCPAnalyzer::DeliverPacket` + `TCPSessionAdapter::Process`, in Zeek's order.
    /// `ep` is the sender's endpoint, `peer` the other; `isOrig` the sender's role as the
    /// packet arrived (a flip while processing toggles the endpoints' `isOrig`).
    mutating func processTCP(_ p: ZeekPacket, isOrig: Bool, ep: inout ZeekTCPEndpoint,
                             peer: inout ZeekTCPEndpoint) {
        // ValidateChecksum: a bad one records C/c logarithmically (TCP_Endpoint::ChecksumError)
        // and the packet goes no further: no state, no time, not counted.
        guard p.checksumValid else {
            hist.scaled(ep.isOrig ? UInt8(ascii: "C") : UInt8(ascii: "c"), &ep.checksumErrors)
            return
        }
        let flags = p.tcpFlags
        let syn = flags & TCPFlag.syn != 0
        let fin = flags & TCPFlag.fin != 0
        let rst = flags & TCPFlag.rst != 0
        let ack = flags & TCPFlag.ack != 0
        /// Any of SYN, FIN, RST: the packet can change the endpoints' states.
        let control = flags & (TCPFlag.syn | TCPFlag.fin | TCPFlag.rst) != 0
        // SetPartialStatus decides on each side's first packet only.
        if firstPacketSeen != 3 { setPartialStatus(syn: syn, ack: ack, isOrig: ep.isOrig) }

        // get_segment_len: SYN and FIN take one sequence number each; a RST's data does not count.
        let len = max(0, p.payloadLength)
        var segmentLength = len
        if syn { segmentLength &+= 1 }
        if fin { segmentLength &+= 1 }
        if rst { segmentLength &-= len }
        let baseSeq = p.sequence
        let ackSeq = p.acknowledgment
        let seqOnePastSegment = baseSeq &+ UInt32(truncatingIfNeeded: segmentLength)

        // init_endpoint acts on a side's first packet and on SYNs only.
        if syn || ep.state == .inactive {
            Self.initEndpoint(&ep, syn: syn, firstSegmentSeq: baseSeq, lastSeq: seqOnePastSegment)
        }
        var seqUnderflow = false
        let relSeq = Self.relativeSeq(baseSeq, last: ep.lastSeq, wraps: ep.seqWraps, startSeq: ep.startSeq,
                                     underflow: &seqUnderflow)

        // update_history: without SYN/FIN/RST, `D` for payload, else `A` for an ACK, once per side.
        if control {
            updateControlHistory(&ep, flags: flags, relSeq: relSeq, len: len)
        } else if len != 0 {
            _ = checkHistory(0x10, UInt8(ascii: "D"), isOrig: ep.isOrig)
        } else if ack {
            _ = checkHistory(0x20, UInt8(ascii: "A"), isOrig: ep.isOrig)
        }

        // update_window: a zero window is recorded (W/w, logarithmically) unless the packet
        // is a RST, the sender was reset, or the peer already closed. Window scaling cannot
        // make a non-zero window zero, so the raw field decides.
        if p.window == 0 && !rst && peer.state != .closed && ep.state != .reset {
            hist.scaled(ep.isOrig ? UInt8(ascii: "W") : UInt8(ascii: "w"), &ep.zeroWindows)
        }

        if !(ep.didClose && peer.didClose) { lastTimeNs = p.timestampNs }

        if fin {
            ep.sawFIN = true
            ep.finSeq = relSeq &+ UInt64(truncatingIfNeeded: segmentLength)
        }

        var relAck: UInt64 = 0
        if ack {
            if peer.state == .inactive {
                // init_peer: number the silent peer as though its SYN had been seen.
                relAck = 1
                peer.initSequence(start: ackSeq &- 1, last: ackSeq &- 1)
            } else {
                var ackUnderflow = false
                relAck = Self.relativeSeq(ackSeq, last: peer.ackSeq, wraps: peer.ackWraps, startSeq: peer.startSeq,
                                          underflow: &ackUnderflow)
                if ackUnderflow {
                    relAck = 0
                } else if !rst {
                    Self.updateAckSeq(&peer, ackSeq)  // acks in RSTs are not trusted
                }
            }
        }

        updateLastSeq(&ep, seqOnePastSegment, syn: syn, fin: fin, rst: rst, len: len)

        // UpdateStateMachine changes nothing for a packet without SYN/FIN/RST once both
        // sides have spoken (see updateStateMachine).
        var doClose = false
        var genEvent = false
        if control || ep.state == .inactive || peer.state == .inactive {
            (doClose, genEvent) = updateStateMachine(&ep, &peer, p, isOrig: isOrig)
        }

        // peer->AckReceived(rel_ack), after the state machine, so that a gap revealed by a
        // closing ack is judged with the final states. An ack of the FIN counts up to the
        // FIN octet; only an ack beyond the trim point does anything.
        if ack, let seq = Self.ackBeyondTrim(relAck, of: peer) { ackReceivedAny(&peer, other: &ep, seq: seq) }

        // CheckPIA_FirstPacket, with the packet's direction as it arrived.
        firstPacketSeen |= isOrig ? 1 : 2

        if len > 0 && !rst && !seqUnderflow && p.capturedPayloadLength >= len {
            dataSentAny(&ep, other: &peer, seq: syn ? relSeq &+ 1 : relSeq, len: UInt64(len))
        }
        checkEOF(&ep, peer: &peer)
        if doClose { connectionClosed(&ep, peer: &peer, genEvent: genEvent) }

        // ConnSize_Analyzer::DeliverPacket, with the sender's role after any flip made
        // while processing this packet (PR #5047: before it, the stale direction was used).
        count(isOrig: ep.isOrig, ipLength: p.ipLength)
    }

    /// ``processTCP(_:isOrig:ep:peer:)`` for most TCP packets: a valid checksum, none of
    /// SYN/FIN/RST, in a connection that is ``steadyTCP`` (both sides' first packets seen,
    /// neither endpoint inactive). For it, these rules of the general path do nothing, so they are left
    /// out: `SetPartialStatus` and `CheckPIA_FirstPacket` (both sides' first packets were
    /// seen), `init_endpoint` (no SYN, the sender not inactive), `UpdateStateMachine` (see
    /// its comment: no SYN/FIN/RST and no side inactive) and with it any close. What is
    /// left is the general path's code with SYN, FIN and RST false, in the same order:
    /// the segment length is the payload length, the history letter is `D` or `A`, and
    /// the relative sequence number is needed only for the data.
    mutating func processSteadyTCP(_ p: ZeekPacket, ep: inout ZeekTCPEndpoint, peer: inout ZeekTCPEndpoint) {
        let ack = p.tcpFlags & TCPFlag.ack != 0
        let len = max(0, p.payloadLength)
        let baseSeq = p.sequence

        // get_relative_seq, before update_last_seq moves the side's last sequence number.
        var seqUnderflow = false
        var relSeq: UInt64 = 0
        if len > 0 {
            relSeq = Self.relativeSeq(baseSeq, last: ep.lastSeq, wraps: ep.seqWraps, startSeq: ep.startSeq,
                                      underflow: &seqUnderflow)
            _ = checkHistory(0x10, UInt8(ascii: "D"), isOrig: ep.isOrig)
        } else if ack {
            _ = checkHistory(0x20, UInt8(ascii: "A"), isOrig: ep.isOrig)
        }

        // update_window
        if p.window == 0 && peer.state != .closed && ep.state != .reset {
            hist.scaled(ep.isOrig ? UInt8(ascii: "W") : UInt8(ascii: "w"), &ep.zeroWindows)
        }

        if !(ep.didClose && peer.didClose) { lastTimeNs = p.timestampNs }

        var relAck: UInt64 = 0
        if ack {
            // The peer is not inactive: no init_peer.
            let ackSeq = p.acknowledgment
            var ackUnderflow = false
            relAck = Self.relativeSeq(ackSeq, last: peer.ackSeq, wraps: peer.ackWraps, startSeq: peer.startSeq,
                                      underflow: &ackUnderflow)
            if ackUnderflow {
                relAck = 0
            } else {
                Self.updateAckSeq(&peer, ackSeq)
            }
        }

        updateLastSeq(&ep, baseSeq &+ UInt32(truncatingIfNeeded: len), syn: false, fin: false, rst: false, len: len)

        // peer->AckReceived(rel_ack), as in the general path.
        if ack, let seq = Self.ackBeyondTrim(relAck, of: peer) { ackReceived(&peer, other: &ep, seq: seq) }

        if len > 0 && !seqUnderflow && p.capturedPayloadLength >= len {
            dataSent(&ep, other: &peer, seq: relSeq, len: UInt64(len))
        }
        checkEOF(&ep, peer: &peer)
        count(isOrig: ep.isOrig, ipLength: p.ipLength)
    }

    /// `SetPartialStatus`: a connection is partial when the originator's first packet is
    /// not a plain SYN, or the responder's first is not a SYN.
    @inline(__always)
    private mutating func setPartialStatus(syn: Bool, ack: Bool, isOrig: Bool) {
        if isOrig {
            if firstPacketSeen & 1 == 0 { isPartial = !syn || ack }
        } else if firstPacketSeen & 2 == 0 && !isPartial {
            isPartial = !syn
        }
    }

    /// `init_endpoint`: the first packet of a side sets its start (a non-SYN one as if a SYN
    /// had come just before, so its first data byte is number 1); a SYN with a new
    /// sequence number restarts the numbering of a side in SYN_SENT/SYN_ACK_SENT, and any
    /// SYN restarts it in ESTABLISHED/PARTIAL (Zeek's guess that this SYN really sets the
    /// connection up); a SYN after a RST restarts it when the RST was that side's first
    /// packet (a possibly injected RST). Without a SYN only the first case acts.
    @inline(__always)
    private static func initEndpoint(_ e: inout ZeekTCPEndpoint, syn: Bool, firstSegmentSeq: UInt32, lastSeq: UInt32) {
        switch e.state {
        case .inactive:
            if syn {
                e.initSequence(start: firstSegmentSeq, last: lastSeq)
            } else {
                e.initSequence(start: firstSegmentSeq &- 1, last: firstSegmentSeq)
            }
        case .synSent, .synAckSent:
            if syn && firstSegmentSeq != e.startSeq {
                e.initSequence(start: firstSegmentSeq, last: lastSeq)
            }
        case .established, .partial:
            if syn { e.initSequence(start: firstSegmentSeq, last: lastSeq) }
        case .reset:
            if syn && e.prevState == .inactive { e.initSequence(start: firstSegmentSeq, last: lastSeq) }
        case .closed:
            break
        }
    }

    /// `get_relative_seq`: the sequence number relative to the side's start, in 64 bits,
    /// guessing a wrap from the distance to `last`. Below the start (no wraps), the
    /// negative distance is returned as Zeek's unsigned value and `underflow` is set.
    @inline(__always)
    private static func relativeSeq(_ seq: UInt32, last: UInt32, wraps: UInt32, startSeq: UInt32,
                                    underflow: inout Bool) -> UInt64 {
        var wraps = wraps
        let delta = zeekSeqDelta(seq, last)
        if delta < 0 {
            if wraps != 0 && seq > last { wraps &-= 1 }
        } else if delta > 0 {
            if seq < last { wraps &+= 1 }
        }
        if wraps == 0 {
            let fromStart = zeekSeqDelta(seq, startSeq)
            if fromStart < 0 { underflow = true }
            return UInt64(bitPattern: Int64(fromStart))
        }
        return ZeekTCPEndpoint.toRelative(seq, wraps: wraps, startSeq: startSeq)
    }

    /// Endpoint `CheckHistory`: responder masks are shifted 16 bits and letters lower-cased.
    @inline(__always)
    private mutating func checkHistory(_ mask: UInt32, _ code: UInt8, isOrig: Bool) -> Bool {
        isOrig ? hist.check(mask, code) : hist.check(mask << 16, code | 0x20)
    }

    /// Endpoint `AddHistory`.
    @inline(__always)
    private mutating func addHistory(_ code: UInt8, isOrig: Bool) {
        hist.add(isOrig ? code : code | 0x20)
    }

    /// `update_history` for a packet with at least one of SYN/FIN/RST (the caller records
    /// `D`/`A` for the others):
    /// - two or more of them: `I` for FIN+RST, else `Q`; once per side.
    /// - one of them: `S` (SYN) or `H` (SYN+ACK), `F`, `R` — the first always, a later one
    ///   again only when its relative sequence number differs from the last of its kind
    ///   (for a FIN the number after its data). S and H share one mask per side.
    @inline(never)
    private mutating func updateControlHistory(_ e: inout ZeekTCPEndpoint, flags: UInt8, relSeq: UInt64, len: Int) {
        let syn = flags & TCPFlag.syn != 0
        let fin = flags & TCPFlag.fin != 0
        let rst = flags & TCPFlag.rst != 0
        let ack = flags & TCPFlag.ack != 0
        let bits = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0)
        if bits > 1 {
            if fin && rst {
                _ = checkHistory(0x8, UInt8(ascii: "I"), isOrig: e.isOrig)
            } else {
                _ = checkHistory(0x40, UInt8(ascii: "Q"), isOrig: e.isOrig)
            }
            return
        }
        if syn {
            let code = ack ? UInt8(ascii: "H") : UInt8(ascii: "S")
            if checkHistory(0x1, code, isOrig: e.isOrig) && relSeq != e.histLastSYN {
                addHistory(code, isOrig: e.isOrig)
            }
            e.histLastSYN = relSeq
        } else if fin {
            let end = relSeq &+ UInt64(len)
            if checkHistory(0x2, UInt8(ascii: "F"), isOrig: e.isOrig) && end != e.histLastFIN {
                addHistory(UInt8(ascii: "F"), isOrig: e.isOrig)
            }
            e.histLastFIN = end
        } else {
            if checkHistory(0x4, UInt8(ascii: "R"), isOrig: e.isOrig) && relSeq != e.histLastRST {
                addHistory(UInt8(ascii: "R"), isOrig: e.isOrig)
            }
            e.histLastRST = relSeq
        }
    }

    /// `update_last_seq`: moves the side's highest sequence number forward; a packet with
    /// payload that does not move it is a retransmission (`T`/`t`, logarithmically,
    /// `TCP_Endpoint::DidRxmit`). Not trusted: a SYN/RST jumping more than 1 MiB, and
    /// anything from a side that sent a RST. A FIN right after the SYN always moves it (for
    /// > 2 GB connections seen only by their SYN and FIN).
    @inline(__always)
    private mutating func updateLastSeq(_ e: inout ZeekTCPEndpoint, _ lastSeq: UInt32, syn: Bool, fin: Bool, rst: Bool,
                                        len: Int) {
        let delta = zeekSeqDelta(lastSeq, e.lastSeq)
        let tooLarge = ZeekConstants.tooLargeSeqDelta
        if (syn || rst) && (delta > tooLarge || delta < -tooLarge) {
            // not trusted
        } else if fin && e.lastSeq == e.startSeq &+ 1 {
            e.updateLastSeq(lastSeq)
        } else if e.state == .reset {
            // don't trust any subsequent sequence numbers
        } else if delta > 0 {
            e.updateLastSeq(lastSeq)
        } else if len > 0 {
            hist.scaled(e.isOrig ? UInt8(ascii: "T") : UInt8(ascii: "t"), &e.retransmissions)
        }
    }

    /// `TCP_Endpoint::SetState`, which also arms `tcp_inactivity_timeout` when the
    /// transition ends the handshake (both sides were in handshake states).
    private mutating func setState(_ e: inout ZeekTCPEndpoint, _ new: ZeekTCPState, peerState: ZeekTCPState) {
        guard new != e.state else { return }
        if !new.isHandshake && e.state.isHandshake && peerState.isHandshake { tcpInactivityArmed = true }
        e.prevState = e.state
        e.state = new
    }

    /// `UpdateStateMachine`, dispatching on the sender's state. Returns (do_close, gen_event).
    /// For a packet without SYN/FIN/RST it acts only through the SYN-ACK flip below (which
    /// needs a silent responder) or on an inactive sender; the caller skips it otherwise.
    @inline(never)
    private mutating func updateStateMachine(_ ep: inout ZeekTCPEndpoint, _ peer: inout ZeekTCPEndpoint,
                                             _ p: ZeekPacket, isOrig: Bool) -> (Bool, Bool) {
        let flags = p.tcpFlags
        let syn = flags & TCPFlag.syn != 0
        let fin = flags & TCPFlag.fin != 0
        let rst = flags & TCPFlag.rst != 0
        let ack = flags & TCPFlag.ack != 0
        let len = max(0, p.payloadLength)
        let baseSeq = p.sequence
        var doClose = false
        var genEvent = false
        // A connection that began with a SYN-ACK Zeek did not flip (no likely server port)
        // is flipped as soon as an ACK or data segment follows in either direction — a
        // stealth scan would answer with a RST or nothing (PR #2191); the missing SYN is then
        // taken as seen (PR #2552) and the SYN-ACK's sender stands as the established
        // responder, as when Zeek flips a SYN-ACK on arrival.
        if !syn && !fin && !rst && (ack || len > 0) {
            let origState = ep.isOrig ? ep.state : peer.state
            let respState = ep.isOrig ? peer.state : ep.state
            if origState == .synAckSent && respState == .inactive {
                flipRoles(&ep, &peer)
                firstPacketSeen |= 1
                if ep.isOrig {
                    setState(&peer, .established, peerState: ep.state)
                } else {
                    setState(&ep, .established, peerState: peer.state)
                }
            }
        }
        switch ep.state {
        case .inactive:
            // UpdateInactiveState
            if syn {
                if isOrig {
                    setState(&ep, ack ? .synAckSent : .synSent, peerState: peer.state)
                    if attemptStartNs == Self.unset { attemptStartNs = p.timestampNs }
                } else {
                    if !ack && peer.state == .synAckSent && baseSeq == ep.startSeq {
                        // A SYN/SYN-ACK reversal (see IsReuse): flip and establish.
                        isPartial = false
                        flipRoles(&ep, &peer)
                        setState(&peer, .established, peerState: ep.state)
                        firstPacketSeen |= 1
                    }
                    if peer.state == .synSent { setState(&peer, .established, peerState: ep.state) }
                    setState(&ep, .established, peerState: peer.state)
                }
            }
            if fin {
                setState(&ep, .closed, peerState: peer.state)
                doClose = true
                genEvent = true
            }
            if rst {
                setState(&ep, .reset, peerState: peer.state)
                let isReject = isOrig ? peer.state == .established
                                      : (peer.state == .synSent || peer.state == .synAckSent)
                // A reject (a RST answering a SYN, or an originator's RST to an
                // established responder: a reverse scan) raises connection_rejected
                // instead of a close event.
                doClose = true
                genEvent = !isReject
            }
            if ep.state == .inactive {
                let origState = ep.isOrig ? ep.state : peer.state
                if !isOrig && len == 0 && origState == .synSent {
                    // an ack of the SYN before the SYN-ACK: not a partial connection
                } else if ack && peer.state == .established {
                    // SYN-ACK seen, SYN missed, now a pure ACK: establish
                    setState(&ep, .established, peerState: peer.state)
                    isPartial = false
                    firstPacketSeen |= isOrig ? 1 : 2
                } else {
                    setState(&ep, .partial, peerState: peer.state)
                }
            }
        case .synSent, .synAckSent:
            // UpdateSYN_SentState
            if fin {
                setState(&ep, .closed, peerState: peer.state)
                doClose = true
                genEvent = true
            }
            if rst {
                setState(&ep, .reset, peerState: peer.state)
                isActive = false  // ConnectionReset
                doClose = true
            }
        case .established, .partial:
            // UpdateEstablishedState
            if syn && ep.state == .partial && peer.state == .inactive && !ack {
                setState(&ep, .synSent, peerState: peer.state)
            }
            if fin && !rst {
                setState(&ep, .closed, peerState: peer.state)
                if peer.state == .reset && peer.prevState == .closed {
                    // the peer sent a FIN and then a RST: a normal termination after all
                    setState(&peer, .closed, peerState: ep.state)
                }
                doClose = true
                genEvent = true
            }
            if rst {
                setState(&ep, .reset, peerState: peer.state)
                doClose = true
                if peer.state != .reset || peer.prevState != .established { isActive = false }  // ConnectionReset
            }
        case .closed:
            // UpdateClosedState: a RST after our FIN, unless the peer closed too.
            if rst && peer.state != .closed {
                setState(&ep, .reset, peerState: peer.state)
                if !ep.didClose { doClose = true }
            }
        case .reset:
            // UpdateResetState: nothing changes.
            break
        }
        return (doClose, genEvent)
    }

    /// `Connection::FlipRoles` with `TCPSessionAdapter::FlipRoles`: the endpoints and the
    /// ConnSize counts (`packet_children`, PR #5047) change roles, and the history is
    /// rewritten for the new roles with a leading `^` (``ZeekHistory/flipRoles()``).
    private mutating func flipRoles(_ ep: inout ZeekTCPEndpoint, _ peer: inout ZeekTCPEndpoint) {
        swap(&origPackets, &respPackets)
        swap(&origIPBytes, &respIPBytes)
        ep.isOrig.toggle()
        peer.isOrig.toggle()
        firstPacketSeen = (firstPacketSeen & 1 != 0 ? 2 : 0) | (firstPacketSeen & 2 != 0 ? 1 : 0)
        isPartial = false
        rolesSwapped.toggle()
        flipped = true
        hist.flipRoles()
    }

    /// `TCPSessionAdapter::ConnectionClosed`: reports a side's close — deferred while its
    /// reassembler still waits for data (`DataPending`). The close is complete when that
    /// side was reset, the peer closed too, or the peer never spoke; then all timers but
    /// the delete timer (last time + `tcp_close_delay`) are cancelled.
    @inline(never)
    private mutating func connectionClosed(_ e: inout ZeekTCPEndpoint, peer: inout ZeekTCPEndpoint, genEvent: Bool) {
        if Self.dataPending(&e, peer: &peer) {
            closeDeferred = true
            if !deferredGenEvent { deferredGenEvent = genEvent }
            return
        }
        closeDeferred = false
        guard !e.didClose else { return }
        e.didClose = true
        let complete = e.state == .reset || peer.didClose || peer.state == .inactive
        if complete {
            var generate = genEvent
            if e.prevState != .inactive || peer.state != .inactive {
                if deferredGenEvent {
                    generate = true
                    deferredGenEvent = false
                }
                if generate { isActive = false }  // ConnectionFinished
            }
            closed = true
            closeBaseNs = lastTimeNs
        } else if e.prevState != .inactive {
            closeBaseNs = lastTimeNs  // ExpireTimer at LastTime() + tcp_session_timer
        }
    }

    /// `TCP_Reassembler::DataPending` for a closing side: data is pending unless everything
    /// up to its last sequence number (less a FIN octet) was delivered, and — unless it
    /// was reset — the peer holds no blocks.
    private static func dataPending(_ e: inout ZeekTCPEndpoint, peer: inout ZeekTCPEndpoint) -> Bool {
        if e.reassembler.skipDeliveries { return false }
        let delivered = e.startSeq64 &+ e.reassembler.lastReassemSeq
        let last = e.lastSeq64
        if last < delivered { return false }
        if delivered != last &- 1 && delivered != last { return true }
        if e.state != .reset && !peer.reassembler.spans.isEmpty { return true }
        return false
    }

    /// `TCP_Reassembler::CheckEOF` → `TCPSessionAdapter::EndpointEOF`: once a closing side
    /// has delivered everything, a deferred close is reported. (The entry test is inlined;
    /// ``reportEOF(_:peer:)`` does the rest.)
    @inline(__always)
    private mutating func checkEOF(_ e: inout ZeekTCPEndpoint, peer: inout ZeekTCPEndpoint) {
        guard !e.reassembler.didEOF, e.sawFIN || e.state == .closed || e.state == .reset else { return }
        reportEOF(&e, peer: &peer)
    }

    @inline(never)
    private mutating func reportEOF(_ e: inout ZeekTCPEndpoint, peer: inout ZeekTCPEndpoint) {
        guard !Self.dataPending(&e, peer: &peer) else { return }
        e.reassembler.didEOF = true
        if closeDeferred {
            connectionClosed(&e, peer: &peer, genEvent: deferredGenEvent)
            closeDeferred = false
        }
    }

    /// `update_ack_seq`: the peer's highest ack moves forward, unless the ack is 0 after a
    /// too-large jump (a broken ack rather than a huge connection landing on 0).
    @inline(__always)
    private static func updateAckSeq(_ peer: inout ZeekTCPEndpoint, _ ackSeq: UInt32) {
        let delta = zeekSeqDelta(ackSeq, peer.ackSeq)
        if ackSeq == 0 && delta > ZeekConstants.tooLargeSeqDelta { return }
        if delta > 0 { peer.updateAckSeq(ackSeq) }
    }

    /// The relative ack `peer->AckReceived` gets: an ack of the FIN counts up to the FIN octet;
    /// nil unless it lies beyond the trim point (below it, an ack does nothing).
    @inline(__always)
    private static func ackBeyondTrim(_ relAck: UInt64, of peer: borrowing ZeekTCPEndpoint) -> UInt64? {
        var seq = relAck
        if peer.sawFIN, relAck >= peer.finSeq { seq = peer.finSeq &- 1 }
        return seq > peer.reassembler.trimSeq ? seq : nil
    }

    /// ``ackReceivedAny(_:other:seq:)`` with a shortcut for the steady path. Usually the
    /// ack is of delivered data (`seq` at or below the delivery point) and at most one
    /// block is held, ending at or before the delivery point: `TrimToSeq` then finds no
    /// gap (nothing undelivered below `seq`) and no block to deliver (none holds the
    /// delivery point, before or after the trim), so only the trim is left.
    @inline(__always)
    private mutating func ackReceived(_ e: inout ZeekTCPEndpoint, other: inout ZeekTCPEndpoint, seq: UInt64) {
        let delivered = e.reassembler.lastReassemSeq
        guard seq <= delivered, e.reassembler.spans.allEnd(atOrBefore: delivered) else {
            ackReceivedAny(&e, other: &other, seq: seq)
            return
        }
        e.reassembler.spans.trim(upTo: seq)
        e.reassembler.trimSeq = seq  // above it: see ackBeyondTrim
        checkEOF(&e, peer: &other)
    }

    /// `TCP_Reassembler::AckReceived` on the side `e` whose data the peer acks up to `seq`
    /// (relative, already limited to the FIN octet and above the trim point by the caller):
    /// everything below is trimmed, which reports the bytes never seen as gaps.
    @inline(never)
    private mutating func ackReceivedAny(_ e: inout ZeekTCPEndpoint, other: inout ZeekTCPEndpoint, seq: UInt64) {
        trimToSeq(&e, other: &other, seq)
        checkEOF(&e, peer: &other)
    }

    /// `Reassembler::TrimToSeq` / `DataBlockList::Trim`.
    @inline(__always)
    private mutating func trimToSeq(_ e: inout ZeekTCPEndpoint, other: inout ZeekTCPEndpoint, _ seq: UInt64) {
        if seq > e.reassembler.lastReassemSeq { undelivered(&e, other: &other, upTo: seq) }
        e.reassembler.spans.trim(upTo: seq)
        blockInserted(&e, other: &other)
        if seq > e.reassembler.trimSeq { e.reassembler.trimSeq = seq }
    }

    /// `TCP_Reassembler::Undelivered`: acked data never seen. Ignored for a partial
    /// connection's first octets (`up_to_seq <= 2`); otherwise each hole before a held
    /// block, and the rest up to `upTo`, is a gap, and delivery moves past them.
    @inline(never)
    private mutating func undelivered(_ e: inout ZeekTCPEndpoint, other: inout ZeekTCPEndpoint, upTo: UInt64) {
        if upTo <= 2 && isPartial { return }
        if !e.reassembler.skipDeliveries {
            while let k = e.reassembler.spans.firstIndex(startingAtOrAbove: e.reassembler.lastReassemSeq) {
                let start = e.reassembler.spans.lower(k)
                guard start < upTo else { break }
                gap(&e, other: &other, length: start - e.reassembler.lastReassemSeq)
                e.reassembler.lastReassemSeq = start
                blockInserted(&e, other: &other)
            }
            if upTo > e.reassembler.lastReassemSeq {
                gap(&e, other: &other, length: upTo - e.reassembler.lastReassemSeq)
            }
        }
        if upTo > e.reassembler.lastReassemSeq { e.reassembler.lastReassemSeq = upTo }
    }

    /// `TCP_Reassembler::Gap`: a gap counts (history `G`/`g` logarithmically, and
    /// `missed_bytes` through `content_gap`) only while both sides are established or
    /// cleanly closing (`established_or_cleanly_closing`; `report_gaps_for_partial` is F).
    private mutating func gap(_ e: inout ZeekTCPEndpoint, other: inout ZeekTCPEndpoint, length: UInt64) {
        guard e.isClean && other.isClean else { return }
        hist.scaled(e.isOrig ? UInt8(ascii: "G") : UInt8(ascii: "g"), &e.gaps)
        missed &+= length
    }

    /// `TCP_Reassembler::BlockInserted`: delivers the held block that continues the
    /// stream, then drops delivered data at once when nothing of this side was acked yet
    /// and its size passed `tcp_max_initial_window` (the peer's acks are presumably not
    /// being seen).
    @inline(__always)
    private mutating func blockInserted(_ e: inout ZeekTCPEndpoint, other: inout ZeekTCPEndpoint) {
        guard let k = e.reassembler.spans.index(containing: e.reassembler.lastReassemSeq) else { return }
        e.reassembler.lastReassemSeq = e.reassembler.spans.upper(k)
        dropDeliveredIfUnacked(&e, other: &other)
    }

    /// The end of `BlockInserted`: with nothing of this side acked and its size past
    /// `tcp_max_initial_window`, the delivered data is trimmed at once.
    @inline(__always)
    private mutating func dropDeliveredIfUnacked(_ e: inout ZeekTCPEndpoint, other: inout ZeekTCPEndpoint) {
        if e.noDataAcked && e.size(peerState: other.state) > ZeekConstants.tcpMaxInitialWindow {
            e.reassembler.spans.trim(upTo: e.reassembler.lastReassemSeq)
            if e.reassembler.lastReassemSeq > e.reassembler.trimSeq {
                e.reassembler.trimSeq = e.reassembler.lastReassemSeq
            }
        }
    }

    /// ``dataSentAny(_:other:seq:len:)`` with a shortcut for the steady path. Usually the
    /// data continues the stream at the delivery point, where the held data (if any) ends:
    /// the block is then merged and delivered at once, and nothing is left undelivered.
    /// Then, when some data of the side was acked and the held ranges span no more than
    /// `tcp_excessive_data_without_further_acks`, nothing else applies.
    @inline(__always)
    private mutating func dataSent(_ e: inout ZeekTCPEndpoint, other: inout ZeekTCPEndpoint, seq: UInt64, len: UInt64) {
        guard !e.reassembler.skipDeliveries else { return }
        let upper = seq &+ len
        let lower = max(seq, e.reassembler.trimSeq)
        if upper > e.reassembler.trimSeq && lower == e.reassembler.lastReassemSeq
            && e.reassembler.spans.appendContinuing(lower, upper) {
            // insert + BlockInserted: the range now holding `lower` ends at `upper`.
            e.reassembler.lastReassemSeq = upper
            if e.noDataAcked || e.reassembler.spans.extent() > ZeekConstants.tcpExcessiveDataWithoutFurtherAcks {
                dataDelivered(&e, other: &other)
            }
            return
        }
        dataSentAny(&e, other: &other, seq: seq, len: len)
    }

    /// The end of ``dataSent(_:other:seq:len:)`` once in-order data was delivered: the end
    /// of `BlockInserted`, then the check for too much held data.
    @inline(never)
    private mutating func dataDelivered(_ e: inout ZeekTCPEndpoint, other: inout ZeekTCPEndpoint) {
        dropDeliveredIfUnacked(&e, other: &other)
        if e.reassembler.spans.holdsMore(than: ZeekConstants.tcpExcessiveDataWithoutFurtherAcks) {
            e.reassembler.spans.removeAll()
            e.reassembler.skipDeliveries = true
        }
    }

    /// `TCP_Reassembler::DataSent` + `Reassembler::NewBlock`: data at or below the trim
    /// point is old; the rest is held and delivered when it continues the stream. The
    /// reassembler gives up on the side (no more gaps) when more than
    /// `tcp_max_above_hole_without_any_acks` waits above a hole with nothing acked, or
    /// more than `tcp_excessive_data_without_further_acks` is held.
    @inline(never)
    private mutating func dataSentAny(_ e: inout ZeekTCPEndpoint, other: inout ZeekTCPEndpoint, seq: UInt64, len: UInt64) {
        guard !e.reassembler.skipDeliveries else { return }
        let upper = seq &+ len
        if upper > e.reassembler.trimSeq {
            let lower = max(seq, e.reassembler.trimSeq)
            e.reassembler.spans.insert(lower, upper, boundary: e.reassembler.lastReassemSeq)
            blockInserted(&e, other: &other)
        }
        if e.noDataAcked && e.reassembler.numUndeliveredBytes() > ZeekConstants.tcpMaxAboveHoleWithoutAnyAcks {
            e.reassembler.spans.removeAll()
            e.reassembler.skipDeliveries = true
        }
        if e.reassembler.spans.holdsMore(than: ZeekConstants.tcpExcessiveDataWithoutFurtherAcks) {
            e.reassembler.spans.removeAll()
            e.reassembler.skipDeliveries = true
        }
    }
}
