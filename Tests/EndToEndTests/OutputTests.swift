import FlowStatsTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the CSV goes: stdout by default, `-o FILE` atomically.
@Suite struct OutputTests {
    @Test func stdoutByDefaultAndTheSameBytesWithOutputFile() async throws {
        let root = try makeScratchFolder("stdout-default")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Fixtures.writeLabelledDataset(in: root)

        let toStdout = try await FlowCSV.run(["data"], in: root)
        #expect(toStdout.status == 0)
        let csv = try #require(toStdout.csv)
        #expect(csv.lines.first == documentedBasicHeader)
        #expect(csv.rows.count == 3)
        #expect(folderListing(root) == ["data"], "nothing is written next to the inputs")

        let toFile = try await FlowCSV.run(["data", "-o", "out.csv"], in: root)
        #expect(toFile.status == 0)
        #expect(toFile.stdout.isEmpty)
        #expect(contents(of: root + "/out.csv") == toStdout.stdout)
        #expect(folderListing(root) == ["data", "out.csv"], "no temporary file is left behind")

        let longForm = try await FlowCSV.run(["--output", root + "/long.csv", "data"], in: root)
        #expect(longForm.status == 0)
        #expect(contents(of: root + "/long.csv") == toStdout.stdout)
        #expect(folderListing(root) == ["data", "long.csv", "out.csv"])
    }

    @Test func existingTargetIsReplacedOnlyOnSuccess() async throws {
        let root = try makeScratchFolder("replace-on-success")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Fixtures.writeLabelledDataset(in: root)
        let old = Array("old contents\n".utf8)
        try old.write(toFile: root + "/out.csv")

        // Usage errors stop before anything is written.
        for bad in [["--filter", "tcp port"], ["--idle-timeout=0"], ["--label-template", "{Nope}"]] {
            let result = try await FlowCSV.run(["data", "-o", "out.csv"] + bad, in: root)
            #expect(result.status == FlowCSV.usageExitCode, "\(bad)")
            #expect(contents(of: root + "/out.csv") == old, "\(bad) must leave the existing target alone")
            #expect(folderListing(root) == ["data", "out.csv"], "\(bad) leaves no temporary file")
        }

        let good = try await FlowCSV.run(["data", "-o", "out.csv"], in: root)
        #expect(good.status == 0)
        let csv = try readCSV(root + "/out.csv")
        #expect(csv.lines.first == documentedBasicHeader)
        #expect(csv.rows.count == 3)
        #expect(folderListing(root) == ["data", "out.csv"])
    }

    /// A named pipe as the second input holds flowcsv in the middle of its run (opening a
    /// FIFO blocks until a writer comes). Meanwhile the target must not exist (or keep its
    /// old contents); once the pipe is fed, the run ends and the target appears in one piece.
    @Test(arguments: [false, true])
    func targetAppearsOnlyWhenTheRunEnds(targetExists: Bool) async throws {
        let root = try makeScratchFolder("atomic-output")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PcapWriter.classic(Fixtures.smallUDP()).write(toFile: root + "/app_one_1.pcap")
        let fifo = root + "/held.pcap"
        #expect(mkfifo(fifo, 0o600) == 0)
        let old = Array("old contents\n".utf8)
        if targetExists { try old.write(toFile: root + "/out.csv") }
        let before = folderListing(root)

        // Wait for the temporary output file to show up: the run is under way.
        let (running, sawTemporary) = try await Self.startHeld(in: root, before: before)
        let clock = ContinuousClock()
        try await Task.sleep(for: .milliseconds(200))  // let it reach the pipe
        #expect(sawTemporary, "a temporary file in the target's folder while the run is going on")
        #expect(running.isRunning, "flowcsv should be waiting on the named pipe")
        if targetExists {
            #expect(contents(of: root + "/out.csv") == old, "the old target stays whole until the run ends")
        } else {
            #expect(!FileManager.default.fileExists(atPath: root + "/out.csv"), "the target does not exist before the run ends")
        }

        // Feed the pipe something that is not a capture; flowcsv reports it and finishes.
        var fed = false
        let feedDeadline = clock.now.advanced(by: .seconds(20))
        while !fed, clock.now < feedDeadline, running.isRunning {
            let fd = open(fifo, O_WRONLY | O_NONBLOCK)
            if fd >= 0 {
                let text = Array("this is not a capture\n".utf8)
                _ = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                close(fd)
                fed = true
            } else {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        let result = try await running.finish(timeout: .seconds(30))
        #expect(fed)
        #expect(result.status == 1, "one input was not a capture")
        #expect(result.errorLines == ["flowcsv: error: held.pcap: not a pcap or pcapng capture (starts with 0x74686973)"])
        let csv = try readCSV(root + "/out.csv")
        #expect(csv.lines.first == documentedBasicHeader)
        #expect(csv.rows.count == 1)
        #expect(csv.rows.first?["SourceFile"] == "app_one_1.pcap")
        #expect(folderListing(root) == (before + (targetExists ? [] : ["out.csv"])).sorted(), "no temporary file left behind")
    }

    /// Holds flowcsv on a named pipe (see above) until its temporary output file exists.
    /// Returns the running process and whether the temporary file was seen.
    static func startHeld(in root: String, before: [String]) async throws -> (RunningFlowCSV, Bool) {
        let running = try FlowCSV.start(["app_one_1.pcap", "held.pcap", "-o", "out.csv"], in: root)
        let clock = ContinuousClock()
        // Generous: while the whole suite runs (NFStream and Python reference runs on 2 cores),
        // a debug flowcsv can take many seconds to start.
        let deadline = clock.now.advanced(by: .seconds(120))
        while clock.now < deadline, running.isRunning {
            if folderListing(root).count > before.count { return (running, true) }
            try await Task.sleep(for: .milliseconds(10))
        }
        return (running, false)
    }

    /// Ctrl-C or a plain kill in the middle of a run: the target is untouched and the
    /// temporary file is removed.
    @Test(arguments: [SIGINT, SIGTERM], [false, true])
    func interruptedRunLeavesNothingBehind(signal: Int32, targetExists: Bool) async throws {
        let root = try makeScratchFolder("interrupted")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PcapWriter.classic(Fixtures.smallUDP()).write(toFile: root + "/app_one_1.pcap")
        #expect(mkfifo(root + "/held.pcap", 0o600) == 0)
        let old = Array("old contents\n".utf8)
        if targetExists { try old.write(toFile: root + "/out.csv") }
        let before = folderListing(root)

        let (running, sawTemporary) = try await Self.startHeld(in: root, before: before)
        #expect(sawTemporary)
        try await Task.sleep(for: .milliseconds(200))
        running.send(signal)
        let result = try await running.finish(timeout: .seconds(30))
        #expect(result.status != 0)
        #expect(folderListing(root) == before, "signal \(signal): no temporary file left behind, no target created")
        if targetExists { #expect(contents(of: root + "/out.csv") == old) }
    }

    /// A run that finds no capture at all fails (exit 1, README) and must not replace the
    /// previous results with an empty CSV.
    @Test func runWithoutCapturesKeepsTheExistingTarget() async throws {
        let root = try makeScratchFolder("no-capture-target")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Array("hello\n".utf8).write(toFile: root + "/data/readme.txt")
        let old = Array("old contents\n".utf8)
        try old.write(toFile: root + "/out.csv")
        let result = try await FlowCSV.run(["data", "-o", "out.csv"], in: root)
        #expect(result.status == 1)
        #expect(result.errorLines.contains { $0.contains("no capture files found") })
        #expect(contents(of: root + "/out.csv") == old, "a failed run replaced the existing target")
        #expect(folderListing(root) == ["data", "out.csv"])
    }

    @Test func outputInAMissingFolderIsAnError() async throws {
        let root = try makeScratchFolder("output-missing-folder")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Fixtures.writeLabelledDataset(in: root)
        let result = try await FlowCSV.run(["data", "-o", "nowhere/out.csv"], in: root)
        #expect(result.status == 1)
        #expect(result.errorLines.count == 1)
        #expect(result.errorLines.first?.contains("nowhere") == true)
        #expect(result.stdout.isEmpty)
        #expect(folderListing(root) == ["data"])
    }
}
