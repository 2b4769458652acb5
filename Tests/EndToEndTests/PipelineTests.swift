import FlowStatsTestSupport
import Foundation
import Testing

/// With at least twice as many jobs as files, each file is read on two threads (`--jobs`):
/// the CSV, the diagnostics and the exit status must be those of `--jobs 1`.
@Suite struct PipelineTests {
    /// 3,000 packets (a few batches): TCP connections and UDP exchanges between
    /// 150 client addresses, 1 ms apart; the file is cut 10 bytes into the last record.
    static func writeCutCapture(to path: String) throws {
        var records: [PcapRecord] = []
        for i in 0..<3000 {
            let client = "10.1.\(i % 150 / 100).\(1 + i % 100)"
            let t = 1_700_000_000 + Double(i) / 1000
            let ip = i % 3 == 0
                ? Build.udp(client, UInt16(2000 + i % 150), "192.0.2.53", 53, payload: [UInt8](repeating: 1, count: i % 200))
                : Build.tcp(client, UInt16(3000 + i % 150), "192.0.2.80", 80, flags: i % 150 < 3 ? [.syn] : [.ack],
                            seq: UInt32(i), payload: [UInt8](repeating: 2, count: i % 700))
            records.append(PcapRecord(seconds: t, Build.ethernet(ip)))
        }
        var bytes = PcapWriter.classic(records)
        bytes.removeLast(records[records.count - 1].data.count + 16 - 10)
        try bytes.write(toFile: path)
    }

    @Test(arguments: [["--jobs", "2"], ["--jobs", "2", "--filter", "tcp"], ["--jobs", "2", "--schema", "zeek", "--preset", "zeek"],
                       ["--jobs", "2", "--schema", "full"], ["--jobs", "2", "--schema", "nfstream", "--preset", "nfstream", "--splt", "5"]])
    func oneFileOnTwoThreadsGivesTheSameOutput(_ arguments: [String]) async throws {
        let root = try makeScratchFolder("pipeline")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.writeCutCapture(to: root + "/app_cut.pcap")
        let single = Array(arguments.dropFirst(2))
        let one = try await FlowCSV.run(["app_cut.pcap", "--jobs", "1"] + single, in: root)
        let two = try await FlowCSV.run(["app_cut.pcap"] + arguments, in: root)
        #expect(one.status == 0 && two.status == 0)
        #expect(two.stdout == one.stdout)
        #expect(two.stderrLines == one.stderrLines)  // (progress lines, which come with time, left out)
        // The cut last packet is left out, with a warning.
        #expect(one.stderr.contains("app_cut.pcap: file is cut off mid-packet"))
        if single.isEmpty {
            #expect(one.stderr.contains("kept the 2999 complete packets before it"))
        }
    }

    /// Two files and four jobs: each of the two files being read gets two threads.
    @Test func twoFilesOnFourThreads() async throws {
        let root = try makeScratchFolder("pipeline-two")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/data", withIntermediateDirectories: true)
        try Self.writeCutCapture(to: root + "/data/app_one.pcap")
        try PcapWriter.classic(Fixtures.smallUDP()).write(toFile: root + "/data/app_two.pcap")
        let one = try await FlowCSV.run(["data", "--jobs", "1"], in: root)
        let four = try await FlowCSV.run(["data", "--jobs", "4"], in: root)
        #expect(one.status == 0 && four.status == 0)
        #expect(four.stdout == one.stdout)
        #expect(four.stderrLines == one.stderrLines)
    }
}
