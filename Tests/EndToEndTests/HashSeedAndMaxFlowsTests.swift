import FlowStatsTestSupport
import Foundation
import Testing

/// The flow table's hash seed (`FLOWCSV_HASH_SEED`) never changes the output, and
/// `--max-flows` through the command line: the warning, 0, usage errors.
@Suite struct HashSeedAndMaxFlowsTests {
    /// 1,600 flows between 10.0.0.1 and 10.0.0.2 only (ports 10000 + (i·7919 mod 50000), so
    /// creation order is not key order), one started every 50 ms, four kinds in turn:
    /// a TCP connection closed by FINs (`fin`), a lone SYN (`idle`/`eof`), UDP every 8 s
    /// for 24 s (`active` at 20 s, then `idle`/`eof`), one UDP datagram (`idle`/`eof`). Run
    /// with idle timeout 10 s, active timeout 20 s.
    static func manyFlowsOnePair() -> [PcapRecord] {
        var records: [PcapRecord] = []
        for i in 0..<1600 {
            let c = Conversation(clientPort: UInt16(10000 + (i * 7919) % 50000), serverPort: i % 4 < 2 ? 80 : 53)
            let t = Int64(i) * 50
            switch i % 4 {
            case 0:
                records += [c.tcp(ms(t), fromClient: true, [.syn]), c.tcp(ms(t + 1), fromClient: false, [.syn, .ack]),
                            c.tcp(ms(t + 2), fromClient: true, [.ack]), c.tcp(ms(t + 3), fromClient: true, [.fin, .ack]),
                            c.tcp(ms(t + 4), fromClient: false, [.fin, .ack]), c.tcp(ms(t + 5), fromClient: true, [.ack])]
            case 1:
                records.append(c.tcp(ms(t), fromClient: true, [.syn]))
            case 2:
                for k: Int64 in 0...3 { records.append(c.udp(ms(t + k * 8000), fromClient: k % 2 == 0, payload: 20)) }
            default:
                records.append(c.udp(ms(t), fromClient: true, payload: 20))
            }
        }
        return records.sorted { $0.timestampNs < $1.timestampNs }
    }

    static let timeouts = ["--idle-timeout", "10", "--active-timeout", "20"]

    @Test(arguments: [
        ["--schema", "basic"], ["--schema", "extended"], ["--preset", "zeek", "--schema", "zeek"],
        ["--schema", "basic", "--max-flows", "100"], ["--preset", "zeek", "--schema", "zeek", "--max-flows", "100"],
        ["--schema", "full"], ["--schema", "cic"], ["--preset", "nfstream", "--schema", "nfstream", "--splt", "10"],
    ])
    func outputDoesNotDependOnTheSeed(_ options: [String]) async throws {
        let root = try makeScratchFolder("hashseed")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PcapWriter.classic(Self.manyFlowsOnePair()).write(toFile: root + "/one_pair.pcap")
        let arguments = ["one_pair.pcap"] + Self.timeouts + options
        var outputs: [[UInt8]] = []
        for seed in ["1", "0xFFFFFFFFFFFFFFFF", "0x9E3779B97F4A7C15", nil] {
            let result = try await FlowCSV.run(arguments, in: root,
                                               environment: seed.map { ["FLOWCSV_HASH_SEED": $0] } ?? [:])
            #expect(result.status == 0, "\(result.stderr)")
            outputs.append(result.stdout)
        }
        let rows = try #require(CSVTable(bytes: outputs[0])).rows
        #expect(rows.count > 1600)
        if options == ["--schema", "basic"] {
            #expect(Set(rows.map { $0["EndReason"] }) == ["fin", "idle", "active", "eof"])
        }
        if options.contains("--max-flows") && options.contains("basic") {
            #expect(rows.contains { $0["EndReason"] == "evicted" })
        }
        for (i, output) in outputs.enumerated().dropFirst() {
            #expect(output == outputs[0], "run \(i) differs from the first")
        }
    }

    /// Two files, each A (1000) at 0 s, B (1001) at 1 s, A at 2 s, C (1002) at 3 s, B at 4 s,
    /// C at 5 s: with a cap of 2, B is evicted at 3 s and A at 4 s (EvictionTests works it out).
    @Test func oneWarningPerFileCountsTheEvictions() async throws {
        let root = try makeScratchFolder("maxflows")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let records = [(0, 1000, true), (1000, 1001, true), (2000, 1000, false), (3000, 1002, true),
                       (4000, 1001, true), (5000, 1002, false)].map { t, port, fromClient in
            Conversation(clientPort: UInt16(port), server: "10.0.0.2", serverPort: 53).udp(ms(Int64(t)), fromClient: fromClient, payload: 10)
        }
        try PcapWriter.classic(records).write(toFile: root + "/a_one.pcap")
        try PcapWriter.classic(records).write(toFile: root + "/b_two.pcap")
        let capped = try await FlowCSV.run(["a_one.pcap", "b_two.pcap", "--max-flows", "2"], in: root)
        #expect(capped.status == 0)
        #expect(capped.warningLines == [
            "flowcsv: warning: a_one.pcap: 2 flows evicted (--max-flows 2)",
            "flowcsv: warning: b_two.pcap: 2 flows evicted (--max-flows 2)",
        ])
        let rows = try #require(capped.csv).rows
        #expect(rows.map { "\($0["ClientPort"]) \($0["FlowPackets"]) \($0["EndReason"])" } == [
            "1001 1 evicted", "1000 2 evicted", "1001 1 eof", "1002 2 eof",
            "1001 1 evicted", "1000 2 evicted", "1001 1 eof", "1002 2 eof",
        ])
        for options in [["--max-flows", "0"], ["--max-flows", "3"], []] {
            let uncapped = try await FlowCSV.run(["a_one.pcap", "b_two.pcap"] + options, in: root)
            #expect(uncapped.status == 0)
            #expect(uncapped.warningLines.isEmpty, "\(options)")
            #expect(try #require(uncapped.csv).rows.map { $0["EndReason"] } == Array(repeating: "eof", count: 6))
        }
        let quiet = try await FlowCSV.run(["a_one.pcap", "--max-flows", "2", "--quiet"], in: root)
        #expect(quiet.warningLines.isEmpty)
    }

    @Test(arguments: [["--max-flows", "-1"], ["--max-flows", "many"]])
    func badMaxFlowsIsAUsageError(_ options: [String]) async throws {
        let root = try makeScratchFolder("maxflows")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PcapWriter.classic(Fixtures.browse()).write(toFile: root + "/web_browse_1.pcap")
        let result = try await FlowCSV.run(["web_browse_1.pcap"] + options, in: root)
        #expect(result.status == FlowCSV.usageExitCode)
        #expect(result.stderr.contains("--max-flows"), "\(result.stderr)")
    }

    @Test(arguments: ["", "-1", "0x", "seed", "18446744073709551616"])
    func badSeedIsAUsageError(_ seed: String) async throws {
        let root = try makeScratchFolder("hashseed")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PcapWriter.classic(Fixtures.browse()).write(toFile: root + "/web_browse_1.pcap")
        let result = try await FlowCSV.run(["web_browse_1.pcap"], in: root, environment: ["FLOWCSV_HASH_SEED": seed])
        #expect(result.status == FlowCSV.usageExitCode)
        #expect(result.stderr.contains("FLOWCSV_HASH_SEED"), "\(result.stderr)")
    }

    @Test func helpExplainsMaxFlowsAndTheSeed() async throws {
        let result = try await FlowCSV.run(["convert", "--help"], in: NSTemporaryDirectory())
        #expect(result.status == 0)
        let help = result.stdoutText
        #expect(help.contains("--max-flows"))
        #expect(help.contains("evicted"))
        #expect(help.contains("FLOWCSV_HASH_SEED"))
    }
}
