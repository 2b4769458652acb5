@testable import FlowStats
import FlowStatsTestSupport
import Testing

/// TCP segments whose header Zeek cannot use: `TCPAnalyzer::ExtractTCP_Header` (Zeek
/// src/packet_analysis/protocol/tcp/TCP.cc) returns no header, and the segment is ignored
/// after the connection was found or made, when the data offset × 4 is below 20
/// (`bad_TCP_header_len`) or is more than the IP payload or the captured bytes from the TCP
/// header on (`truncated_header`). Nothing of it is counted: no history letter, no packet, no
/// time. Expected values worked out by hand from the frames built here.
@Suite struct TCPHeaderLengthTests {
    static let client = "10.0.0.1"
    static let server = "10.0.0.2"

    /// SYN (ISN 1000) at 1 s, SYN-ACK (ISN 5000) at 2 s, ACK at 3 s: 54-byte frames without
    /// options, whole under any of the snap lengths used here. Zeek: history "ShA", S1.
    static func handshake() -> [PcapRecord] {
        [
            PcapRecord(seconds: 1, Build.ethernet(Build.tcp(client, 40000, server, 80, flags: .syn, seq: 1000))),
            PcapRecord(seconds: 2, Build.ethernet(Build.tcp(server, 80, client, 40000, flags: [.syn, .ack], seq: 5000, ack: 1001))),
            PcapRecord(seconds: 3, Build.ethernet(Build.tcp(client, 40000, server, 80, flags: .ack, seq: 1001, ack: 5001))),
        ]
    }

    /// NOP, NOP, timestamps (kind 8, length 10): a 32-byte header.
    static let timestamps: [UInt8] = [1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0]

    /// Client data at 4 s: 100 payload bytes after a 32-byte header; frame 14 + 20 + 32 + 100 = 166.
    static let dataWithTimestamps = Build.ethernet(Build.tcp(client, 40000, server, 80, flags: [.ack, .psh], seq: 1001, ack: 5001,
                                                             payload: [UInt8](repeating: 0x61, count: 100), options: timestamps))

    /// `frame` with its TCP data offset field (Ethernet 14 + IPv4 20 + 12) set to `words`.
    static func withDataOffset(_ frame: [UInt8], words: UInt8) -> [UInt8] {
        var f = frame
        f[14 + 20 + 12] = words << 4 | (f[14 + 20 + 12] & 0x0F)
        return f
    }

    static func decode(_ bytes: [UInt8]) -> DecodedPacket {
        var packet = DecodedPacket()
        bytes.withUnsafeBytes { PacketDecoder.decode($0, linkType: .ethernet, into: &packet) }
        return packet
    }

    static func zeekFlow(_ records: [PcapRecord]) throws -> FlowRecord {
        let (flows, _) = try runFlows(records) { $0.flow = FlowConfiguration(preset: .zeek) }
        try #require(flows.count == 1)
        return flows[0]
    }

    /// `-s 64`: 64 - 14 - 20 = 30 bytes of the 32-byte header captured: ignored.
    @Test func snapLength64CutsAHeaderWithOptions() throws {
        let cut = Array(Self.dataWithTimestamps.prefix(64))
        let p = Self.decode(cut)
        #expect(p.hasTCPHeader && p.tcpHeaderLength == 32 && p.payloadLength == 100)
        // The first cut reported is the IP packet's: 20 + 32 + 100 = 152 bytes, 64 - 14 = 50 captured.
        #expect(p.truncation == Truncation(layer: .ipv4, offset: 14, required: 152, available: 50))
        let f = try Self.zeekFlow(Self.handshake() + [PcapRecord(seconds: 4, cut, wireLength: 166)])
        #expect(f.zeek.history == "ShA" && f.zeek.connState == "S1")
        #expect(f.zeek.origPackets == 2 && f.zeek.respPackets == 1)
        #expect(f.zeek.durationNs == 2_000_000_000)
    }

    /// `-s 96`: 62 bytes from the TCP header on, the whole 32-byte header and 30 payload
    /// bytes: the segment counts (its payload length is 100 whatever was captured: "D").
    @Test func snapLength96KeepsTheHeader() throws {
        let cut = Array(Self.dataWithTimestamps.prefix(96))
        #expect(Self.decode(cut).tcpHeaderLength == 32)
        let f = try Self.zeekFlow(Self.handshake() + [PcapRecord(seconds: 4, cut, wireLength: 166)])
        #expect(f.zeek.history == "ShAD" && f.zeek.connState == "S1")
        #expect(f.zeek.origPackets == 3 && f.zeek.respPackets == 1)
        #expect(f.zeek.durationNs == 3_000_000_000)
    }

    /// Data offset 4 (16 bytes): `bad_TCP_header_len`, ignored.
    @Test func dataOffsetBelowFiveIsIgnored() throws {
        let frame = Self.withDataOffset(Build.ethernet(Build.tcp(Self.client, 40000, Self.server, 80, flags: [.ack, .psh],
                                                                 seq: 1001, ack: 5001, payload: [UInt8](repeating: 0x61, count: 10))),
                                        words: 4)
        #expect(Self.decode(frame).tcpHeaderLength == 16)
        let f = try Self.zeekFlow(Self.handshake() + [PcapRecord(seconds: 4, frame)])
        #expect(f.zeek.history == "ShA" && f.zeek.connState == "S1")
        #expect(f.zeek.origPackets == 2 && f.zeek.respPackets == 1)
        #expect(f.zeek.durationNs == 2_000_000_000)
    }

    /// Data offset 6 (24 bytes) in a 22-byte IP payload (20-byte header, 2 data bytes), all
    /// captured: `truncated_header`, ignored.
    @Test func headerPastTheIPPayloadIsIgnored() throws {
        let frame = Self.withDataOffset(Build.ethernet(Build.tcp(Self.client, 40000, Self.server, 80, flags: [.ack, .psh],
                                                                 seq: 1001, ack: 5001, payload: [0x61, 0x62])),
                                        words: 6)
        let p = Self.decode(frame)
        #expect(p.tcpHeaderLength == 24 && p.payloadLength == 0)
        let f = try Self.zeekFlow(Self.handshake() + [PcapRecord(seconds: 4, frame)])
        #expect(f.zeek.history == "ShA" && f.zeek.connState == "S1")
        #expect(f.zeek.origPackets == 2 && f.zeek.respPackets == 1)
        #expect(f.zeek.durationNs == 2_000_000_000)
    }

    /// The same segment with data offset 5 fits (control): counted, "D".
    @Test func headerThatFitsCounts() throws {
        let frame = Build.ethernet(Build.tcp(Self.client, 40000, Self.server, 80, flags: [.ack, .psh], seq: 1001, ack: 5001,
                                             payload: [0x61, 0x62]))
        #expect(Self.decode(frame).tcpHeaderLength == 20)
        let f = try Self.zeekFlow(Self.handshake() + [PcapRecord(seconds: 4, frame)])
        #expect(f.zeek.history == "ShAD" && f.zeek.origPackets == 3)
    }
}
