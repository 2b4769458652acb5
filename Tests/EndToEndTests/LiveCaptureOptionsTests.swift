// `flowcsv capture` on lo: --count and --duration stop as a signal does, labels for live runs,
// rows on standard output, and repeated signals during the final flush.

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite(.enabled(if: LiveCaptureEnvironment.canCaptureOnLoopback,
                "capturing on lo needs root (CAP_NET_RAW) and a loopback interface; CI runs as root"),
       .serialized)
struct LiveCaptureOptionsTests {
    /// Starts a capture of UDP to `port` with rows on standard output, waits until it runs.
    private func start(port: UInt16, _ extra: [String], in folder: String) async throws -> RunningFlowCSV {
        let marker = folder + "/started.pcap"
        let capture = try FlowCSV.start(["capture", "-i", "lo", "--filter", "udp port \(port)", "--write-pcap", marker] + extra,
                                        in: folder)
        // The --write-pcap file exists once the interface is open and the filter installed.
        let (_, started) = try await LiveCaptureEnvironment.waitFor(marker, timeout: .seconds(20)) { _ in
            FileManager.default.fileExists(atPath: marker)
        }
        try #require(started, "flowcsv capture did not start within 20 s")
        try await Task.sleep(for: .milliseconds(200))
        return capture
    }

    /// --count 2 stops after the second datagram, as a signal would: the flow ends shutdown.
    /// The labels come from --label; SourceFile is the interface. Rows on standard output.
    @Test func countStopsLikeASignalWithConstantLabels() async throws {
        let folder = try makeScratchFolder("live-count")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try LoopbackSocket(tcp: false)
        let capture = try await start(port: server.port, ["--count", "2", "--label", "AppName=browser",
                                                          "--label", "AppAction=idle"], in: folder)
        let client = try LoopbackSocket(tcp: false)
        try client.send(Array("one".utf8), toPort: server.port)
        try client.send(Array("two".utf8), toPort: server.port)
        let result = try await capture.finish(timeout: .seconds(20))
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let table = try #require(result.csv, "stdout is not CSV: \(result.stdoutText)")
        #expect(table.rows.count == 1)
        let row = try #require(table.rows.first)
        #expect(row["EndReason"] == "shutdown" && row["FwdPackets"] == "2" && row["BwdPackets"] == "0")
        #expect(row["ClientPort"] == "\(client.port)" && row["ServerPort"] == "\(server.port)")
        #expect(row["AppName"] == "browser" && row["AppAction"] == "idle" && row["SourceFile"] == "lo")
        #expect(result.stderrLines.contains { $0.contains("read 2 packets, 1 flows") }, "\(result.stderr)")
    }

    /// --duration stops on a quiet link; --source-name names the capture and the label template
    /// reads the name.
    @Test func durationStopsAndSourceNameLabels() async throws {
        let folder = try makeScratchFolder("live-duration")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try LoopbackSocket(tcp: false)
        let began = ContinuousClock.now
        // 5 s: time enough for the datagram, sent as soon as the capture runs, on a loaded machine.
        let capture = try await start(port: server.port, ["--duration", "5", "--source-name", "facebook_chat"], in: folder)
        let client = try LoopbackSocket(tcp: false)
        try client.send(Array("hello".utf8), toPort: server.port)
        let result = try await capture.finish(timeout: .seconds(20))
        let took = ContinuousClock.now - began
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(took >= .seconds(5) && took < .seconds(20), "ran \(took)")
        let row = try #require(result.csv?.rows.first, "no row: \(result.stdoutText)")
        #expect(row["EndReason"] == "shutdown" && row["FwdPackets"] == "1")
        #expect(row["SourceFile"] == "facebook_chat" && row["AppName"] == "facebook" && row["AppAction"] == "chat")
    }

    /// Many open flows, then three signals in a row: the flush after the first is not cut; the
    /// file is whole, every flow in it once, exit 0.
    @Test func repeatedSignalsDuringTheFlushDoNotCutTheFile() async throws {
        let folder = try makeScratchFolder("live-signals")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try LoopbackSocket(tcp: false)
        let csv = folder + "/flows.csv"
        let capture = try await start(port: server.port, ["-o", csv, "--schema", "extended"], in: folder)
        let flows = 200  // distinct client ports: 200 open flows at the stop
        var clients: [LoopbackSocket] = []
        for i in 0..<flows {
            let client = try LoopbackSocket(tcp: false)
            try client.send(Array("datagram \(i)".utf8), toPort: server.port)
            clients.append(client)
            // Paced, so the kernel's ring (64 KiB slots on lo) never fills: no packet dropped.
            try await Task.sleep(for: .milliseconds(2))
        }
        try await Task.sleep(for: .milliseconds(500))
        capture.send(SIGINT)
        capture.send(SIGINT)
        capture.send(SIGTERM)
        let result = try await capture.finish(timeout: .seconds(30))
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let text = try Data(contentsOf: URL(fileURLWithPath: csv))
        let table = try #require(CSVTable(bytes: Array(text)), "the file is not whole CSV")
        #expect(table.rows.count == flows)
        #expect(Set(table.rows.map { $0["ClientPort"] }) == Set(clients.map { "\($0.port)" }))
        #expect(table.rows.allSatisfy { $0["EndReason"] == "shutdown" })
        #expect(result.stderrLines.contains { $0.contains("dropped 0 (interface: 0); read \(flows) packets, \(flows) flows") },
                "\(result.stderr)")
    }
}

/// `flowcsv interfaces` and `flowcsv capture --help` need no capture permission.
@Suite(.enabled(if: LiveCaptureEnvironment.hasLoopback, "needs a Linux loopback interface (/sys/class/net/lo)"))
struct InterfacesCommandTests {
    @Test func listsTheKernelsInterfacesWithTheirFlags() async throws {
        let folder = try makeScratchFolder("interfaces")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try await FlowCSV.run(["interfaces"], in: folder)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdoutText.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("NAME") == true)
        let names = Set(lines.dropFirst().compactMap { $0.split(separator: " ").first.map(String.init) })
        // Every interface the kernel has (sysfs, read independently) is listed.
        let kernel = try FileManager.default.contentsOfDirectory(atPath: "/sys/class/net")
        // (flowcsv… interfaces come and go with the interface-down test running alongside.)
        for name in kernel where !name.hasPrefix("flowcsv") {
            #expect(names.contains(name), "\(name) missing from:\n\(result.stdoutText)")
        }
        let lo = try #require(lines.first { $0.hasPrefix("lo ") })
        #expect(lo.contains("up") && lo.contains("loopback"), "\(lo)")
        // lo's flags as the kernel reports them: IFF_UP (0x1) and IFF_LOOPBACK (0x8).
        let flags = try String(contentsOfFile: "/sys/class/net/lo/flags", encoding: .utf8)
        let value = Int(flags.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst(2), radix: 16) ?? 0
        #expect(value & 0x9 == 0x9)
    }

    @Test func captureHelpNamesItsOptions() async throws {
        let folder = try makeScratchFolder("capture-help")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try await FlowCSV.run(["capture", "--help"], in: folder)
        #expect(result.status == 0)
        for option in ["-i, --interface", "--filter", "--duration", "--count", "-o, --output", "--write-pcap",
                       "--buffer-size", "--idle-timeout", "--label", "--source-name", "--schema", "CAP_NET_RAW", "shutdown"] {
            #expect(result.stdoutText.contains(option), "capture --help does not mention \(option)")
        }
        let top = try await FlowCSV.run(["--help"], in: folder)
        #expect(top.stdoutText.contains("capture") && top.stdoutText.contains("interfaces"))
    }
}
