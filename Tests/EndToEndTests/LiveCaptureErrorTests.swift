// `flowcsv capture` errors: one line naming the interface, exit 1 (a bad filter: 64, as for
// files). Classified by libpcap's error codes, so the checks are on flowcsv's own words.

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite(.enabled(if: LiveCaptureEnvironment.isRoot,
                "libpcap checks the permission before the interface: these need root (CAP_NET_RAW)"))
struct LiveCaptureErrorTests {
    @Test func aMissingInterfaceListsTheAvailableOnes() async throws {
        let folder = try makeScratchFolder("live-errors")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try await FlowCSV.run(["capture", "-i", "flowcsvnone0"], in: folder, timeout: .seconds(20))
        #expect(result.status == 1)
        #expect(result.errorLines.count == 1, "stderr: \(result.stderr)")
        let line = result.errorLines.first ?? ""
        #expect(line.contains("flowcsvnone0") && line.contains("no such interface"))
        // The available ones, as the kernel lists them (libpcap lists at least these).
        let available = (try? FileManager.default.contentsOfDirectory(atPath: "/sys/class/net")) ?? []
        #expect(available.contains("lo") && line.contains("lo"), "\(line)")
        #expect(result.stdout.isEmpty)
    }

    @Test func aBadFilterQuotesLibpcap() async throws {
        let folder = try makeScratchFolder("live-errors")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try await FlowCSV.run(["capture", "-i", "lo", "--filter", "port nonsense"], in: folder,
                                           timeout: .seconds(20))
        #expect(result.status == FlowCSV.usageExitCode)
        #expect(result.errorLines.count == 1, "stderr: \(result.stderr)")
        let line = result.errorLines.first ?? ""
        // libpcap's own words for an unknown port name.
        #expect(line.contains("lo:") && line.contains("'port nonsense'") && line.contains("unknown port 'nonsense'"), "\(line)")
    }

    /// Without CAP_NET_RAW: the capability is dropped from the child's bounding set (root
    /// then gets no capability outside it on exec) with setpriv, or with capsh.
    @Test func noPermissionSaysCapNetRawIsNeeded() async throws {
        let folder = try makeScratchFolder("live-errors")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let binary = try #require(FlowCSV.binary)
        let arguments: [String]
        let launcher: String
        if let setpriv = LiveCaptureEnvironment.tool("setpriv") {
            launcher = setpriv
            arguments = ["--bounding-set=-net_raw", "--inh-caps=-net_raw", binary, "capture", "-i", "lo", "--duration", "2"]
        } else if let capsh = LiveCaptureEnvironment.tool("capsh") {
            launcher = capsh
            arguments = ["--drop=cap_net_raw", "--", "-c", "exec \"$0\" capture -i lo --duration 2", binary]
        } else {
            try Test.cancel("neither setpriv (util-linux) nor capsh (libcap2-bin) is installed")
        }
        let r = try LiveCaptureEnvironment.run(launcher, arguments)
        if r.status != 1 && !r.stderr.contains("CAP_NET_RAW") {
            try Test.cancel("dropping CAP_NET_RAW with \(launcher) did not deny the capture here (status \(r.status))")
        }
        #expect(r.status == 1)
        let lines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("flowcsv: error: ") }
        #expect(lines.count == 1, "stderr: \(r.stderr)")
        #expect(lines.first?.contains("lo:") == true && lines.first?.contains("CAP_NET_RAW") == true, "\(r.stderr)")
    }

    /// An interface that exists but is down: a dummy (or ifb) interface made for the test and
    /// left down.
    @Test func anInterfaceThatIsDownSaysSo() async throws {
        let folder = try makeScratchFolder("live-errors")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        guard let ip = LiveCaptureEnvironment.tool("ip") else {
            try Test.cancel("no ip (iproute2) to make an interface that is down")
        }
        let name = "flowcsvdown0"
        _ = try? LiveCaptureEnvironment.run(ip, ["link", "del", name])
        var made = false
        for type in ["dummy", "ifb"] where !made {
            made = (try? LiveCaptureEnvironment.run(ip, ["link", "add", name, "type", type]).status) == 0
        }
        if !made { try Test.cancel("cannot add a dummy or ifb interface here (no kernel module?)") }
        defer { _ = try? LiveCaptureEnvironment.run(ip, ["link", "del", name]) }
        let result = try await FlowCSV.run(["capture", "-i", name], in: folder, timeout: .seconds(20))
        #expect(result.status == 1)
        #expect(result.errorLines.count == 1, "stderr: \(result.stderr)")
        #expect(result.errorLines.first?.contains("\(name): interface is down") == true, "\(result.stderr)")
    }
}
