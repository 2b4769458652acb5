import FlowStatsTestSupport
import Foundation
import Testing

/// --vlan-key, --idle-timeout, --active-timeout and --linger, with hand-worked row counts.
@Suite struct FlowOptionTests {
    /// Runs flowcsv on `records` written as `name` and returns the rows.
    static func rows(_ records: [PcapRecord], _ options: [String], name: String = "opt_test_1.pcap") async throws -> [CSVRow] {
        let root = try makeScratchFolder("options")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PcapWriter.classic(records).write(toFile: root + "/" + name)
        let result = try await FlowCSV.run([name] + options, in: root)
        #expect(result.status == 0, "\(options): \(result.stderr)")
        #expect(result.errorLines.isEmpty)
        return try #require(result.csv, "\(options)").rows
    }

    /// Compact form of a row for comparing: start, duration, client, server, packets,
    /// bytes, forward packets/bytes, backward packets/bytes, end reason.
    static func summary(_ row: CSVRow) -> String {
        "\(row["StartTime"]) \(row["DurationTime"]) \(row["ClientIP"]):\(row["ClientPort"])>\(row["ServerIP"]):\(row["ServerPort"]) "
            + "\(row["FlowPackets"])/\(row["FlowBytes"]) fwd \(row["FwdPackets"])/\(row["FwdBytes"]) "
            + "bwd \(row["BwdPackets"])/\(row["BwdBytes"]) \(row["EndReason"])"
    }

    // MARK: - VLAN

    /// The same UDP 5-tuple on VLAN 10 (0 and 10 ms) and VLAN 20 (20 and 30 ms); every frame
    /// 14 + 4 (tag) + 20 + 8 + 10 = 56 bytes.
    static func vlanRecords() -> [PcapRecord] {
        let c = Fixtures.dns
        return [
            c.udp(ms(0), fromClient: true, payload: 10, vlans: [10]),
            c.udp(ms(10), fromClient: false, payload: 10, vlans: [10]),
            c.udp(ms(20), fromClient: true, payload: 10, vlans: [20]),
            c.udp(ms(30), fromClient: false, payload: 10, vlans: [20]),
        ]
    }

    @Test func vlanKey() async throws {
        let merged = try await Self.rows(Self.vlanRecords(), [])
        #expect(merged.map(Self.summary) == [
            "1700000000.000000 0.030000 10.0.0.1:5353>10.0.0.3:53 4/224 fwd 2/112 bwd 2/112 eof",
        ])
        let split = try await Self.rows(Self.vlanRecords(), ["--vlan-key"])
        #expect(Set(split.map(Self.summary)) == [
            "1700000000.000000 0.010000 10.0.0.1:5353>10.0.0.3:53 2/112 fwd 1/56 bwd 1/56 eof",
            "1700000000.020000 0.010000 10.0.0.1:5353>10.0.0.3:53 2/112 fwd 1/56 bwd 1/56 eof",
        ])
        #expect(split.count == 2)
    }

    // MARK: - Idle timeout

    /// Client → server datagrams of 10 bytes (52-byte frames) at 0, 1, 2, 10 and 11 s.
    static func idleRecords() -> [PcapRecord] {
        [0, 1000, 2000, 10_000, 11_000].map { Fixtures.dns.udp(ms($0), fromClient: true, payload: 10) }
    }

    @Test func idleTimeout() async throws {
        let whole = try await Self.rows(Self.idleRecords(), [])
        #expect(whole.map(Self.summary) == [
            "1700000000.000000 11.000000 10.0.0.1:5353>10.0.0.3:53 5/260 fwd 5/260 bwd 0/0 eof",
        ])
        // 8 s of silence between 2 s and 10 s: with --idle-timeout 5 the flow ends at 7 s.
        let split = try await Self.rows(Self.idleRecords(), ["--idle-timeout", "5"])
        #expect(split.map(Self.summary) == [
            "1700000000.000000 2.000000 10.0.0.1:5353>10.0.0.3:53 3/156 fwd 3/156 bwd 0/0 idle",
            "1700000010.000000 1.000000 10.0.0.1:5353>10.0.0.3:53 2/104 fwd 2/104 bwd 0/0 eof",
        ])
        // 9 s is longer than the gap: one flow again.
        let longer = try await Self.rows(Self.idleRecords(), ["--idle-timeout", "9"])
        #expect(longer.count == 1)
    }

    // MARK: - Active timeout

    /// Client → server datagrams of 10 bytes (52-byte frames), one a second from 0 to 9 s.
    static func activeRecords() -> [PcapRecord] {
        (0..<10).map { Fixtures.dns.udp(ms(Int64($0) * 1000), fromClient: true, payload: 10) }
    }

    @Test func activeTimeoutOffOrLong() async throws {
        let expected = ["1700000000.000000 9.000000 10.0.0.1:5353>10.0.0.3:53 10/520 fwd 10/520 bwd 0/0 eof"]
        #expect(try await Self.rows(Self.activeRecords(), []).map(Self.summary) == expected)
        #expect(try await Self.rows(Self.activeRecords(), ["--active-timeout", "0"]).map(Self.summary) == expected)
        #expect(try await Self.rows(Self.activeRecords(), ["--active-timeout", "60"]).map(Self.summary) == expected)
    }

    /// With --active-timeout 4 a row ends 4 s after its first packet and the flow goes on in
    /// a new row: [0 1 2 3] [4 5 6 7] [8 9]. The idle timeout must not matter (the packets
    /// are 1 s apart), whether it is shorter or longer than the active timeout.
    @Test(arguments: [[String](), ["--idle-timeout", "3"], ["--idle-timeout", "120"], ["--idle-timeout", "30"]])
    func activeTimeoutSplitsEveryPeriod(extra: [String]) async throws {
        let rows = try await Self.rows(Self.activeRecords(), ["--active-timeout", "4"] + extra)
        #expect(rows.map(Self.summary) == [
            "1700000000.000000 3.000000 10.0.0.1:5353>10.0.0.3:53 4/208 fwd 4/208 bwd 0/0 active",
            "1700000004.000000 3.000000 10.0.0.1:5353>10.0.0.3:53 4/208 fwd 4/208 bwd 0/0 active",
            "1700000008.000000 1.000000 10.0.0.1:5353>10.0.0.3:53 2/104 fwd 2/104 bwd 0/0 eof",
        ], "extra options \(extra)")
    }

    /// Very long times mean "never" in practice (or are refused as a usage error); they must
    /// not crash or wrap around. The browse capture then gives its two default rows.
    @Test(arguments: [["--idle-timeout", "9e9"], ["--idle-timeout", "1e10"], ["--active-timeout", "9e9"],
                      ["--active-timeout", "1e12"], ["--linger", "9e9"], ["--linger", "1e10"]])
    func hugeTimesDoNotOverflow(options: [String]) async throws {
        let root = try makeScratchFolder("huge-times")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PcapWriter.classic(Fixtures.browse()).write(toFile: root + "/web_browse_1.pcap")
        let result = try await FlowCSV.run(["web_browse_1.pcap"] + options, in: root)
        #expect(result.status == 0 || result.status == FlowCSV.usageExitCode,
                "\(options): exit \(result.status) \(result.stderrLines.prefix(3))")
        if result.status == 0 {
            #expect(Set(result.csv?.coreLines.dropFirst() ?? []) == [
                Fixtures.row(Fixtures.browseTCPRowParts, app: "web", action: "browse", file: "web_browse_1.pcap"),
                Fixtures.row(Fixtures.browseUDPRowParts, app: "web", action: "browse", file: "web_browse_1.pcap"),
            ], "\(options)")
        }
    }

    // MARK: - Linger

    /// A TCP connection closed by FIN from both sides at 0.6 s, its last ACK at 0.7 s and a
    /// retransmitted server FIN at 2.0 s.
    ///   0.0 C SYN 54 | 0.1 S SYN-ACK 54 | 0.2 C ACK 54 | 0.3 C 100 B 154 | 0.4 S 200 B 254
    ///   0.5 C FIN 54 | 0.6 S FIN 54 | 0.7 C ACK 54 | 2.0 S FIN 54
    static func lingerRecords() -> [PcapRecord] {
        let c = Fixtures.web
        return [
            c.tcp(ms(0), fromClient: true, [.syn]),
            c.tcp(ms(100), fromClient: false, [.syn, .ack]),
            c.tcp(ms(200), fromClient: true, [.ack]),
            c.tcp(ms(300), fromClient: true, [.psh, .ack], payload: 100),
            c.tcp(ms(400), fromClient: false, [.psh, .ack], payload: 200),
            c.tcp(ms(500), fromClient: true, [.fin, .ack]),
            c.tcp(ms(600), fromClient: false, [.fin, .ack]),
            c.tcp(ms(700), fromClient: true, [.ack]),
            c.tcp(ms(2000), fromClient: false, [.fin, .ack]),
        ]
    }

    @Test func lingerDefaultKeepsLatePackets() async throws {
        // Everything within 5 s of the close: one row; client 370 (54×4 + 154), server 416 (54×3 + 254).
        let rows = try await Self.rows(Self.lingerRecords(), [])
        #expect(rows.map(Self.summary) == [
            "1700000000.000000 2.000000 10.0.0.1:40000>10.0.0.2:80 9/786 fwd 5/370 bwd 4/416 fin",
        ])
    }

    @Test func lingerOneSecond() async throws {
        // Closed at 0.6 s, written at 1.6 s: the last ACK (0.7) is in, the FIN at 2.0 s is a
        // new flow whose first packet comes from 10.0.0.2:80, so that is its client.
        let rows = try await Self.rows(Self.lingerRecords(), ["--linger", "1"])
        #expect(rows.map(Self.summary) == [
            "1700000000.000000 0.700000 10.0.0.1:40000>10.0.0.2:80 8/732 fwd 5/370 bwd 3/362 fin",
            "1700000002.000000 0.000000 10.0.0.2:80>10.0.0.1:40000 1/54 fwd 1/54 bwd 0/0 eof",
        ])
    }

    @Test func lingerZero() async throws {
        // Written as soon as the clock passes 0.6 s: the ACK at 0.7 s starts a new flow
        // (client 10.0.0.1, its sender), which the FIN at 2.0 s joins.
        let rows = try await Self.rows(Self.lingerRecords(), ["--linger", "0"])
        #expect(rows.map(Self.summary) == [
            "1700000000.000000 0.600000 10.0.0.1:40000>10.0.0.2:80 7/678 fwd 4/316 bwd 3/362 fin",
            "1700000000.700000 1.300000 10.0.0.1:40000>10.0.0.2:80 2/108 fwd 1/54 bwd 1/54 eof",
        ])
    }

    @Test func newSYNAfterCloseStartsANewFlow() async throws {
        // Two 6-packet connections on the same 5-tuple, 1 s apart (within the linger).
        let rows = try await Self.rows(Fixtures.shortTCP() + Fixtures.shortTCP(startMs: 1000), [])
        #expect(rows.map(Self.summary) == [
            "1700000000.000000 0.050000 10.0.0.1:40000>10.0.0.2:80 6/324 fwd 4/216 bwd 2/108 fin",
            "1700000001.000000 0.050000 10.0.0.1:40000>10.0.0.2:80 6/324 fwd 4/216 bwd 2/108 fin",
        ])
    }
}
