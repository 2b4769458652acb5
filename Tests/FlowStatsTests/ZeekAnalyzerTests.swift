@testable import FlowStats
import FlowStatsTestSupport
import Foundation
import Testing

// Zeek's analyzer-driven connection rules under `--preset zeek` (ZeekAnalyzers.swift,
// TunnelDetection.swift): DNS / NTP role flips, DNS's session timeout, Teredo and AYIYA found
// by content. Every expected value is worked out by hand from Zeek's source (the function
// named at each test) on the bytes built here; one (NTP) is also what Zeek's own btest
// baseline `scripts.base.protocols.ntp.misordered-ntp/conn.log` shows for the same exchange.

private func zeek(_ options: inout ProcessingOptions) { options.flow = FlowConfiguration(preset: .zeek) }

/// A DNS message: id 0x1234, `flags`, one question, then `extra` filler bytes.
private func dns(flags: UInt16, extra: Int = 18) -> [UInt8] {
    [0x12, 0x34, UInt8(flags >> 8), UInt8(flags & 0xFF), 0, 1, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0x61, count: extra)
}

/// A 48-byte NTP v4 message of `mode`.
private func ntp(mode: UInt8) -> [UInt8] { [0x20 | mode] + [UInt8](repeating: 0, count: 47) }

private func udp(_ t: Double, _ src: String, _ sport: UInt16, _ dst: String, _ dport: UInt16, _ payload: [UInt8]) -> PcapRecord {
    PcapRecord(seconds: t, Build.ethernet(Build.udp(src, sport, dst, dport, payload: payload)))
}

private func decode(_ bytes: [UInt8], _ options: DecodeOptions) -> DecodedPacket {
    var packet = DecodedPacket()
    bytes.withUnsafeBytes { PacketDecoder.decode($0, linkType: .ethernet, options: options, into: &packet) }
    return packet
}

private let zeekDecoding = DecodeOptions(tunnels: .zeek, detectTunnelsByContent: true)

/// An AYIYA header (identity: 16 bytes, `0x41`; signature 20 bytes, `0x52`; `0x11`: auth 1,
/// opcode forward; next header `next`) and the packet it forwards.
private func ayiya(_ inner: [UInt8], opcodeByte: UInt8 = 0x11, next: UInt8 = 41) -> [UInt8] {
    [0x41, 0x52, opcodeByte, next, 0x4F, 0x00, 0x00, 0x01] + [UInt8](repeating: 0xAA, count: 16)
        + [UInt8](repeating: 0xBB, count: 20) + inner
}

/// The Teredo client's IPv6 SYN to a web server (addresses of Zeek's teredo_bubble_with_payload trace).
private let teredoSYN = Build.tcp("2001:0:4137:9e50:8000:f12a:b9c8:2815", 1286, "2001:4860:0:2001::68", 80, flags: [.syn], seq: 7)

@Suite struct ZeekAnalyzerFlipTests {
    /// `DNS_Interpreter::ParseMessage`: the first message is a response (QR) from the
    /// originator, 53 → 53 (both likely server ports: no flip at creation). Packet 1
    /// (10.0.0.1 → 10.0.0.2, 30 bytes of DNS, IP 58): `D`, request_len 30; DNS flips; ConnSize
    /// (after DNS among the children) counts it with is_orig = true into swapped counters:
    /// orig 1 packet, 58 bytes; `^`. Packet 2 (10.0.0.2, now the originator, 20 bytes, IP 48):
    /// `D` already seen; request_len 50; orig 2 packets, 106 bytes. reply_len never set: S0.
    @Test func dnsResponseFirstFlipsTheRoles() throws {
        let (flows, _) = try runFlows([
            udp(0, "10.0.0.1", 53, "10.0.0.2", 53, dns(flags: 0x8180, extra: 18)),
            udp(0.1, "10.0.0.2", 53, "10.0.0.1", 53, dns(flags: 0x0100, extra: 8)),
        ], configure: zeek)
        try #require(flows.count == 1)
        let f = flows[0]
        #expect(f.client.address.description == "10.0.0.2")
        #expect(f.zeek.history == "D^" && f.zeek.connState == "S0")
        #expect(f.zeek.origPackets == 2 && f.zeek.origIPBytes == 106 && f.zeek.respPackets == 0 && f.zeek.respIPBytes == 0)
        #expect(f.zeek.origBytes == 50 && f.zeek.respBytes == 0)
        // flowcsv's own counters follow the senders: one packet each way.
        #expect(f.forward.packets == 1 && f.backward.packets == 1)
    }

    /// Without `--preset zeek` no payload is read: the sender of the first packet stays the client.
    @Test func otherPresetsDoNotFlipOnDNS() throws {
        let (flows, _) = try runFlows([
            udp(0, "10.0.0.1", 53, "10.0.0.2", 53, dns(flags: 0x8180)),
            udp(0.1, "10.0.0.2", 53, "10.0.0.1", 53, dns(flags: 0x0100)),
        ])
        try #require(flows.count == 1)
        #expect(flows[0].client.address.description == "10.0.0.1" && flows[0].zeek.history == "Dd")
    }

    /// `if ( ! analyzer->Conn()->RespAddr().IsMulticast() ) FlipRoles()`: an mDNS response to
    /// 224.0.0.251 keeps its sender as originator.
    @Test func dnsResponseToMulticastDoesNotFlip() throws {
        let (flows, _) = try runFlows([udp(0, "10.0.0.1", 5353, "224.0.0.251", 5353, dns(flags: 0x8400))], configure: zeek)
        try #require(flows.count == 1)
        #expect(flows[0].client.address.description == "10.0.0.1" && flows[0].zeek.history == "D")
        #expect(flows[0].zeek.origPackets == 1)
    }

    /// A response from port 53 to an ephemeral port is flipped at creation already
    /// (likely_server_ports: `^` first); the DNS analyzer sees it from the responder: no second flip.
    @Test func dnsResponseFromTheServerPortFlipsOnce() throws {
        let (flows, _) = try runFlows([udp(0, "10.0.0.2", 53, "10.0.0.1", 40000, dns(flags: 0x8180))], configure: zeek)
        try #require(flows.count == 1)
        #expect(flows[0].client.address.description == "10.0.0.1" && flows[0].zeek.history == "^d")
    }

    /// `proc_ntp_message`: a SERVER-mode (4) message from the originator flips. The server's
    /// reply arrives first (17.253.4.253 → 192.168.1.95, both port 123), then the client's
    /// request 0.959285 s later: as for DNS, orig = 192.168.1.95 with 2 packets (2 × 76 IP
    /// bytes), request_len 96, resp nothing, S0, `D^` — Zeek's misordered-ntp baseline row.
    @Test func ntpServerModeFirstFlipsTheRoles() throws {
        let (flows, _) = try runFlows([
            udp(0, "17.253.4.253", 123, "192.168.1.95", 123, ntp(mode: 4)),
            udp(0.959285, "192.168.1.95", 123, "17.253.4.253", 123, ntp(mode: 3)),
        ], configure: zeek)
        try #require(flows.count == 1)
        let f = flows[0]
        #expect(f.client.address.description == "192.168.1.95")
        #expect(f.zeek.history == "D^" && f.zeek.connState == "S0")
        #expect(f.zeek.origPackets == 2 && f.zeek.origIPBytes == 152 && f.zeek.respPackets == 0 && f.zeek.respIPBytes == 0)
        #expect(f.zeek.origBytes == 96 && f.zeek.respBytes == 0)
        #expect(f.zeek.durationNs == 959_285_000)
    }

    /// A client request (mode 3) from the originator, the server's reply (mode 4) from the
    /// responder: no flip, `Dd`, SF.
    @Test func ntpInOrderDoesNotFlip() throws {
        let (flows, _) = try runFlows([
            udp(0, "10.0.0.1", 40000, "10.0.0.2", 123, ntp(mode: 3)),
            udp(0.01, "10.0.0.2", 123, "10.0.0.1", 40000, ntp(mode: 4)),
        ], configure: zeek)
        try #require(flows.count == 1)
        #expect(flows[0].client.address.description == "10.0.0.1" && flows[0].zeek.history == "Dd" && flows[0].zeek.connState == "SF")
    }

    /// The analyzer state alone: a header shorter than 12 bytes and an unknown opcode (2,
    /// STATUS) leave `first_message` set; the next whole response from the originator flips;
    /// after that, nothing does. NTP needs 48 bytes, and each direction's binpac flow flips once.
    @Test func analyzerStateFollowsZeeksConditions() {
        func peek(_ bytes: [UInt8], multicast: Bool = false) -> ZeekPayloadPeek {
            var head: UInt32 = 0
            for i in 0..<4 { head = head << 8 | UInt32(i < bytes.count ? bytes[i] : 0) }
            return ZeekPayloadPeek(head: head, length: bytes.count, toMulticast: multicast)
        }
        /// Feeds the messages in turn; the flips they cause.
        func flips(_ state: ZeekAnalyzerState, _ messages: [(bytes: [UInt8], isOrig: Bool)]) -> [Bool] {
            var state = state
            return messages.map { state.deliver(peek($0.bytes), isOrig: $0.isOrig) }
        }
        let d = ZeekAnalyzerState.attached(responderPort: 53, originatorPort: 40000)
        #expect(d.hasDNS && !d.hasNTP)
        // Cut header, QR with opcode 2, a whole response, another one.
        #expect(flips(d, [(Array(dns(flags: 0x8180).prefix(11)), true), (dns(flags: 0x9000), true),
                          (dns(flags: 0x8180), true), (dns(flags: 0x8180), true)]) == [false, false, true, false])
        // On NetBIOS port 137 every opcode is parsed: opcode 2 is the first message.
        #expect(flips(.attached(responderPort: 137, originatorPort: 137), [(dns(flags: 0x9000), true)]) == [true])
        // A query first clears first_message: a later response from the originator does not flip.
        #expect(flips(d, [(dns(flags: 0x0100), false), (dns(flags: 0x8180), true)]) == [false, false])
        let t = ZeekAnalyzerState.attached(responderPort: 123, originatorPort: 123)
        #expect(t.hasNTP && !t.hasDNS)
        // 47 bytes, mode 4 from orig (flips that flow), again (flipped already), mode 3 from resp (the other flow).
        #expect(flips(t, [(Array(ntp(mode: 4).prefix(47)), true), (ntp(mode: 4), true), (ntp(mode: 4), true),
                          (ntp(mode: 3), false)]) == [false, true, false, true])
        #expect(ZeekAnalyzerState.attached(responderPort: 5000, originatorPort: 53) == .none)
    }
}

@Suite struct ZeekDNSTimeoutTests {
    /// `DNS_Analyzer::ExpireTimer` at creation + 10 s, run when the next packet (15 s) reaches
    /// it: quiet 14.9 s ≥ 9 s, removed; the query at 15 s starts a new connection. On port 5000
    /// (no analyzer) UDP's 60 s applies: one connection.
    @Test func dnsSessionsEndSoonerThanUDP() throws {
        func exchange(_ port: UInt16) -> [PcapRecord] {
            [udp(0, "10.0.0.1", 40000, "10.0.0.2", port, dns(flags: 0x0100)),
             udp(0.1, "10.0.0.2", port, "10.0.0.1", 40000, dns(flags: 0x8180)),
             udp(15, "10.0.0.1", 40000, "10.0.0.2", port, dns(flags: 0x0100))]
        }
        let (dnsFlows, _) = try runFlows(exchange(53), configure: zeek)
        #expect(dnsFlows.count == 2 && dnsFlows.map(\.packets) == [2, 1])
        #expect(dnsFlows.first?.zeek.history == "Dd")
        let (udpFlows, _) = try runFlows(exchange(5000), configure: zeek)
        #expect(udpFlows.count == 1 && udpFlows[0].packets == 3)
    }

    /// The timer runs with the time that reached it, not its own: queries at 0, 5, 12, 25 s.
    /// The 10 s timer runs at 12 s (quiet 7 s < 9: re-armed at 22 s), the 22 s one at 25 s
    /// (quiet 13 s: removed). Two connections, of 3 and 1 packets. (Taking scheduled times,
    /// 10 → 20 → 30 s, would keep the 25 s query in the first.)
    @Test func dnsTimerRearmsFromTheTimeItRan() throws {
        let records = [0.0, 5, 12, 25].map { udp($0, "10.0.0.1", 40000, "10.0.0.2", 53, dns(flags: 0x0100)) }
        let (flows, _) = try runFlows(records, configure: zeek)
        #expect(flows.map(\.packets) == [3, 1])
        #expect(flows.last?.firstNs == ns(25))
    }
}

@Suite struct ZeekTunnelDetectionTests {
    /// Teredo through a relay's port (40000 → 32900, no Teredo port): `DetectProtocol`'s pattern
    /// (0x60, then 20 01 00 00 at offset 8) finds it; the inner TCP flow has the UDP flow as
    /// its tunnel parent, and the UDP flow is marked Teredo (Zeek's service `teredo`).
    @Test func teredoOnAnyPort() throws {
        let records = [udp(0, "192.168.2.16", 40000, "83.170.1.38", 32900, Build.teredo(teredoSYN))]
        let (flows, _) = try runFlows(records, configure: zeek)
        try #require(flows.count == 2)
        let inner = try #require(flows.first { $0.key.ipProtocol == 6 })
        let outer = try #require(flows.first { $0.key.ipProtocol == 17 })
        #expect(inner.client.port == 1286 && inner.server.port == 80)
        #expect(inner.tunnelParents.map(\.description) == ["UDP 192.168.2.16:40000>83.170.1.38:32900"])
        _ = outer
        // The outer flow's Service is the tunnel's (the application-metadata group).
        let (groups, _) = try runFinishedFlows(records, configure: zeek)
        let services = groups.records.indices.map { (groups.records[$0].key.ipProtocol, groups.appMetadata[$0].services.text) }
        #expect(services.contains { $0 == (17, "teredo") } && services.contains { $0 == (6, "") })
        // Other presets recognise Teredo by its port only.
        let (basic, _) = try runFlows(records)
        #expect(basic.count == 1 && basic[0].key.ipProtocol == 17)
    }

    /// Without the 2001:0000 prefix a bare IPv6 header starting 60 00 is read as an origin
    /// indication (byte 1 is 0): byte 8 (0x20) has no version 6, so it is not Teredo. With a
    /// real origin indication before it, it is.
    @Test func teredoDetectionNeedsThePrefixOrAnOriginIndication() throws {
        let plain = Build.udp("2001:db8::1", 1000, "2001:db8::2", 2000, payload: [1, 2, 3, 4])
        let bare = [udp(0, "192.0.2.1", 40000, "192.0.2.2", 40001, Build.teredo(plain))]
        #expect(try runFlows(bare, configure: zeek).flows.count == 1)
        let withOrigin = [udp(0, "192.0.2.1", 40000, "192.0.2.2", 40001,
                              Build.teredo(plain, origin: (port: 40000, address: "192.0.2.1")))]
        #expect(try runFlows(withOrigin, configure: zeek).flows.count == 2)
    }

    /// AYIYA on its port 5072 and, found by content (bytes 1–2 = 52 11), on port 6000: header
    /// 8 + 16 (identity) + 20 (signature) bytes, next header 41, an ICMPv6 echo inside.
    @Test func ayiyaOnItsPortAndByContent() throws {
        let echo = Build.icmp("2001:db8::1", "2001:db8::2", type: 128, identifier: 1, sequence: 1)
        for port: UInt16 in [5072, 6000] {
            let records = [udp(0, "192.168.3.101", 53859, "216.14.98.22", port, ayiya(echo))]
            let (flows, _) = try runFlows(records, configure: zeek)
            try #require(flows.count == 2, "port \(port)")
            let inner = try #require(flows.first { $0.key.ipProtocol == 58 })
            let outer = try #require(flows.first { $0.key.ipProtocol == 17 })
            #expect(inner.tunnelParents.map(\.description) == ["UDP 192.168.3.101:53859>216.14.98.22:\(port)"])
            _ = outer
            let (groups, _) = try runFinishedFlows(records, configure: zeek)
            let services = groups.records.indices.map { (groups.records[$0].key.ipProtocol, groups.appMetadata[$0].services.text) }
            #expect(services.contains { $0 == (17, "ayiya") }, "port \(port)")
            #expect(try runFlows(records).flows.count == 1)  // not a tunnel outside --preset zeek
        }
        // Opcode 2 (not "forward"): no packet inside.
        let other = [udp(0, "192.168.3.101", 53859, "216.14.98.22", 5072, ayiya(echo, opcodeByte: 0x12))]
        #expect(try runFlows(other, configure: zeek).flows.count == 1)
        // Next header 17 is neither 4 nor 41: nothing Zeek forwards to.
        let udpInside = [udp(0, "192.168.3.101", 53859, "216.14.98.22", 5072, ayiya(echo, next: 17))]
        #expect(try runFlows(udpInside, configure: zeek).flows.count == 1)
    }

    @Test func zeekServiceNames() {
        #expect(TunnelKind.vxlan.zeekService == "vxlan" && TunnelKind.gtpU.zeekService == "gtpv1"
                && TunnelKind.geneve.zeekService == "geneve" && TunnelKind.gre.zeekService == nil)
    }
}

@Suite struct ZeekAnalyzerHostileInputTests {
    /// Every cut of a Teredo and an AYIYA frame decodes without trapping; a cut frame is never
    /// taken as a tunnel with less than the inner IPv6 header.
    @Test func cutTunnelFramesNeverTrap() {
        let echo = Build.icmp("2001:db8::1", "2001:db8::2", type: 128, identifier: 1, sequence: 1)
        let frames = [Build.ethernet(Build.udp("192.0.2.1", 40000, "192.0.2.2", 32900, payload: Build.teredo(teredoSYN))),
                      Build.ethernet(Build.udp("192.0.2.1", 40000, "192.0.2.2", 6000, payload: ayiya(echo))),
                      Build.ethernet(Build.udp("192.0.2.1", 40000, "192.0.2.2", 5072, payload: ayiya(echo)))]
        for frame in frames {
            for n in 0...frame.count {
                let p = decode(Array(frame.prefix(n)), zeekDecoding)
                if !p.tunnels.isEmpty { #expect(n >= 14 + 20 + 8 + 40, "tunnel found in a \(n)-byte cut") }
                let peek = Array(frame.prefix(n)).withUnsafeBytes { ZeekPayloadPeek(frame: $0, p) }
                #expect(peek.length <= max(0, n - 42))
            }
        }
    }

    /// Seeded garbage: UDP payloads of random bytes on random ports through the decoder with
    /// content detection, the two detectors on raw buffers, and the DNS / NTP analyzer state.
    @Test func randomGarbageNeverTraps() {
        var random = SplitMix64.forTest()
        var tunnels = 0
        for _ in 0..<3000 {
            let length = Int(random.next() % 120)
            var payload = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            // Bias some toward the detectors' leading bytes.
            if length > 3 && random.next() % 3 == 0 { payload[1] = 0x52; payload[2] = 0x11 }
            if length > 1 && random.next() % 3 == 0 { payload[0] = 0x60 | (payload[0] & 0x0F) }
            let sport = UInt16(truncatingIfNeeded: random.next())
            let dport = UInt16(truncatingIfNeeded: random.next())
            let frame = Build.ethernet(Build.udp("192.0.2.1", sport, "192.0.2.2", dport, payload: payload))
            let p = decode(frame, zeekDecoding)
            if !p.tunnels.isEmpty { tunnels += 1 }
            payload.withUnsafeBytes { raw in
                if TunnelDetection.looksLikeTeredo(raw) { #expect(raw.count >= 40) }
                if TunnelDetection.looksLikeAYIYA(raw) { #expect(raw.count >= 3) }
            }
            var state = ZeekAnalyzerState.attached(responderPort: [53, 123, 137][Int(random.next() % 3)], originatorPort: sport)
            let peek = frame.withUnsafeBytes { ZeekPayloadPeek(frame: $0, p) }
            _ = state.deliver(peek, isOrig: random.next() & 1 == 0)
        }
        print("ZeekAnalyzerHostileInputTests: \(tunnels) of 3000 garbage datagrams decapsulated")
    }
}
