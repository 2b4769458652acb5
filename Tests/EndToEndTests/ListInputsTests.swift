import FlowStatsTestSupport
import Foundation
import Testing

/// `--list-inputs`: the captures a run would read, in its order, as `PATH<TAB>SOURCENAME`.
@Suite struct ListInputsTests {
    @Test func folderOrderNamesAndSkips() async throws {
        let root = try makeScratchFolder("list-inputs")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let udp = PcapWriter.classic(Fixtures.smallUDP())
        for name in ["a/x.pcap", "a-b/y.pcap", "_u.pcap", ".hidden.pcap", ".dir/z.pcap",
                     "tab\there.pcap", "new\nline.pcap", "back\\slash.pcap"] {
            try udp.write(toFile: root + "/data/" + name)
        }
        try Array("text\n".utf8).write(toFile: root + "/data/notes.txt")
        try FileManager.default.createSymbolicLink(atPath: root + "/data/link", withDestinationPath: root + "/data/a")

        let result = try await FlowCSV.run(["--list-inputs", "data"], in: root)
        #expect(result.status == 0)
        // Names in byte order per folder, depth first: "_" (0x5F) < "a" < "a-b" < "b…" < "l…" < "n…" < "t…";
        // the symbolic link to a folder is not followed; hidden names and notes.txt are not listed.
        #expect(result.stdoutText == """
            data/_u.pcap\t_u.pcap
            data/a/x.pcap\ta/x.pcap
            data/a-b/y.pcap\ta-b/y.pcap
            data/back\\\\slash.pcap\tback\\\\slash.pcap
            data/new\\nline.pcap\tnew\\nline.pcap
            data/tab\\there.pcap\ttab\\there.pcap

            """)
        #expect(result.stderrLines == ["flowcsv: 6 capture files listed, 1 non-capture files skipped"])

        // A plain sort of the full paths would differ ('-' 0x2D sorts before '/' 0x2F).
        #expect(["data/a/x.pcap", "data/a-b/y.pcap"].sorted() == ["data/a-b/y.pcap", "data/a/x.pcap"])
    }

    @Test func filesGivenDirectlyAreListedAsGiven() async throws {
        let root = try makeScratchFolder("list-inputs-files")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PcapWriter.classic(Fixtures.smallUDP()).write(toFile: root + "/d/one.pcap")
        try Array("text\n".utf8).write(toFile: root + "/notes.txt")

        // As in a run: a file given directly is read (and reported) whatever it holds, even
        // when missing; the listing does not open it.
        let result = try await FlowCSV.run(["--list-inputs", "notes.txt", "missing.pcap", "d", "d/one.pcap"], in: root)
        #expect(result.status == 0)
        #expect(result.stdoutText == "notes.txt\tnotes.txt\nmissing.pcap\tmissing.pcap\nd/one.pcap\tone.pcap\nd/one.pcap\td/one.pcap\n")
        #expect(result.stderrLines == ["flowcsv: 4 capture files listed, 0 non-capture files skipped"])

        let quiet = try await FlowCSV.run(["--list-inputs", "--quiet", "d"], in: root)
        #expect(quiet.status == 0)
        #expect(quiet.stdoutText == "d/one.pcap\tone.pcap\n")
        #expect(quiet.stderrLines.isEmpty)
    }

    @Test func listingMatchesWhatARunReads() async throws {
        let root = try makeScratchFolder("list-inputs-run")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try ScaleOutDataset.write(in: root)
        let listing = try await FlowCSV.run(["--list-inputs", "data"], in: root)
        #expect(listing.status == 0)
        #expect(listing.stdoutText == ScaleOutDataset.captures.map { "data/\($0)\t\($0)\n" }.joined())
        #expect(listing.stderrLines == ["flowcsv: 6 capture files listed, 1 non-capture files skipped"])
    }

    @Test func needsAnInput() async throws {
        let root = try makeScratchFolder("list-inputs-usage")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try await FlowCSV.run(["--list-inputs"], in: root)
        #expect(result.status == FlowCSV.usageExitCode)
        #expect(result.stdout.isEmpty)

        let help = try await FlowCSV.run(["convert", "--help"], in: root)
        #expect(help.stdoutText.contains("--list-inputs"))
        #expect(help.stdoutText.contains("PATH<TAB>SOURCENAME"))
    }
}
