import FlowStatsTestSupport
import Foundation
import Testing

/// Field quoting, formula neutralisation and byte-identical output.
@Suite struct CSVSafetyTests {
    /// Files whose path parts would run as spreadsheet formulas or need RFC 4180 quoting.
    /// Byte-wise sorted: `+evil_chat_1.pcap`, `=cmd/…`, `@a,b/…`, `say"hi/…`, `shop,eu/…`.
    static func writeHostileNames(in root: String) throws {
        let capture = PcapWriter.classic(Fixtures.smallUDP())
        try capture.write(toFile: root + "/inj/+evil_chat_1.pcap")
        try capture.write(toFile: root + "/inj/=cmd/chat_send_1.pcap")
        try capture.write(toFile: root + "/inj/@a,b/x_y_1.pcap")
        try capture.write(toFile: root + "/inj/say\"hi/x_y_1.pcap")
        try capture.write(toFile: root + "/inj/shop,eu/shop_buy_1.pcap")
    }

    /// The rest of each row (the UDP exchange of `Fixtures.smallUDP`): 62 + 82 bytes.
    static let udpHead = "1700000000.000000,0.005000,10.0.0.1,5353,10.0.0.3,53"
    static let udpTail = "2,144,72.0,UDP,1,62,1,82,eof"

    @Test func defaultTemplate() async throws {
        let root = try makeScratchFolder("hostile-default")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.writeHostileNames(in: root)
        let result = try await FlowCSV.run(["inj"], in: root)
        #expect(result.status == 0)
        let csv = try #require(result.csv, "the output must be well-formed RFC 4180: \(result.stdoutText)")
        // Exact text of each line: `'` before =, +, @; quotes around fields with , or ".
        #expect(csv.coreLines.dropFirst().map { $0 } == [
            "\(Self.udpHead),'+evil,chat,\(Self.udpTail),'+evil_chat_1.pcap",
            "\(Self.udpHead),chat,send,\(Self.udpTail),'=cmd/chat_send_1.pcap",
            "\(Self.udpHead),x,y,\(Self.udpTail),\"'@a,b/x_y_1.pcap\"",
            "\(Self.udpHead),x,y,\(Self.udpTail),\"say\"\"hi/x_y_1.pcap\"",
            "\(Self.udpHead),shop,buy,\(Self.udpTail),\"shop,eu/shop_buy_1.pcap\"",
        ])
        // And what a CSV reader gets back.
        #expect(csv.rows.map { $0["SourceFile"] } == [
            "'+evil_chat_1.pcap", "'=cmd/chat_send_1.pcap", "'@a,b/x_y_1.pcap", "say\"hi/x_y_1.pcap", "shop,eu/shop_buy_1.pcap",
        ])
        #expect(csv.rows.first?["AppName"] == "'+evil")
    }

    @Test func folderTemplate() async throws {
        let root = try makeScratchFolder("hostile-folder")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.writeHostileNames(in: root)
        let result = try await FlowCSV.run(["inj", "--label-template", "{AppName}/*"], in: root)
        #expect(result.status == 0)
        let csv = try #require(result.csv)
        // AppName is the folder: "inj" for the file at the top.
        #expect(csv.rows.map { $0["AppName"] } == ["inj", "'=cmd", "'@a,b", "say\"hi", "shop,eu"])
        #expect(csv.coreLines.dropFirst().map { $0 } == [
            "\(Self.udpHead),inj,,\(Self.udpTail),'+evil_chat_1.pcap",
            "\(Self.udpHead),'=cmd,,\(Self.udpTail),'=cmd/chat_send_1.pcap",
            "\(Self.udpHead),\"'@a,b\",,\(Self.udpTail),\"'@a,b/x_y_1.pcap\"",
            "\(Self.udpHead),\"say\"\"hi\",,\(Self.udpTail),\"say\"\"hi/x_y_1.pcap\"",
            "\(Self.udpHead),\"shop,eu\",,\(Self.udpTail),\"shop,eu/shop_buy_1.pcap\"",
        ])
    }

    @Test func explicitFileNamedLikeAFormula() async throws {
        let root = try makeScratchFolder("hostile-explicit")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PcapWriter.classic(Fixtures.smallUDP()).write(toFile: root + "/-2_x_1.pcap")
        // "--" keeps the argument from being read as an option; SourceFile is the path as given.
        let result = try await FlowCSV.run(["--", "-2_x_1.pcap"], in: root)
        #expect(result.status == 0)
        let row = try #require(result.csv?.rows.first)
        #expect(row["SourceFile"] == "'-2_x_1.pcap")
        #expect(row["AppName"] == "'-2")
    }

    // MARK: - Determinism

    /// Many flows that all end at the end of the file (so flowcsv must order them itself),
    /// plus flows ended by FIN and by idle timeout, across several files.
    static func writeBusyDataset(in root: String) throws {
        try Fixtures.writeLabelledDataset(in: root)
        var records: [PcapRecord] = []
        // 30 UDP conversations from 10 clients to 3 servers, interleaved, then one late
        // packet per conversation 200 s later (after the idle timeout).
        for i in 0..<30 {
            let c = Conversation(client: "10.1.0.\(i % 10 + 1)", clientPort: UInt16(30000 + i * 7 % 13),
                                 server: "192.0.2.\(i % 3 + 1)", serverPort: UInt16(53 + i % 2 * 390))
            records.append(c.udp(ms(Int64(i)), fromClient: true, payload: i))
            records.append(c.udp(ms(Int64(i) + 500), fromClient: false, payload: 2 * i))
            records.append(c.udp(ms(200_000 + Int64(i)), fromClient: true, payload: 1))
        }
        records.sort { $0.timestampNs < $1.timestampNs }
        try PcapWriter.classic(records).write(toFile: root + "/data/mixed/mixed_many_1.pcap")
        try PcapWriter.classic(Fixtures.shortTCP() + Fixtures.shortTCP(startMs: 1000)).write(toFile: root + "/data/mixed/mixed_reuse_1.pcap")
    }

    @Test func runningTwiceGivesIdenticalBytes() async throws {
        let root = try makeScratchFolder("determinism")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.writeBusyDataset(in: root)

        let first = try await FlowCSV.run(["data"], in: root)
        let second = try await FlowCSV.run(["data"], in: root)
        let third = try await FlowCSV.run(["data", "-o", "out.csv"], in: root)
        #expect(first.status == 0)
        #expect(first.stdout == second.stdout)
        #expect(contents(of: root + "/out.csv") == first.stdout)
        #expect(first.stderr == second.stderr)
        #expect(first.stderr == third.stderr)
        let csv = try #require(first.csv)
        // 3 labelled rows + 60 (30 conversations × 2, split by the idle timeout) + 2.
        #expect(csv.rows.count == 65)
    }

    @Test(arguments: ["2", "3", "0"])
    func parallelJobsGiveTheSameBytesAsOne(_ jobs: String) async throws {
        let root = try makeScratchFolder("jobs")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.writeBusyDataset(in: root)
        try PcapWriter.classic([], versionMajor: 1, versionMinor: 4).write(toFile: root + "/data/zz_broken.pcap")  // one failure, in order
        let one = try await FlowCSV.run(["data", "--jobs", "1"], in: root)
        let many = try await FlowCSV.run(["data", "--jobs", jobs], in: root)
        let manyToFile = try await FlowCSV.run(["data", "--jobs", jobs, "-o", "out.csv"], in: root)
        #expect(one.status == 1 && many.status == 1 && manyToFile.status == 1)
        #expect(many.stdout == one.stdout)
        #expect(contents(of: root + "/out.csv") == one.stdout)
        #expect(many.stderr == one.stderr)  // diagnostics in input order too
        #expect(one.csv?.rows.count == 65)
    }
}
