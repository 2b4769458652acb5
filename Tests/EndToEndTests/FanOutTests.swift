import FlowStatsTestSupport
import Foundation
import Testing

/// The rule a fan-out over files (spark/flowcsv_spark.py) stands on: each file's rows depend
/// only on that file and its name, so per-file runs with `--source-name`, concatenated with
/// one header, are byte for byte the folder run.
@Suite struct FanOutTests {
    static let runs: [[String]] = [
        ["--label-template", "{AppName}/*"],
        ["--schema", "zeek", "--preset", "zeek"],
        ["--schema", "extended", "--label-regex", "^(?<AppName>[^/]+)/(?<Stem>[^.]+)"],
    ]

    @Test(arguments: runs)
    func perFileRunsConcatenatedEqualTheFolderRun(options: [String]) async throws {
        let root = try makeScratchFolder("fan-out")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try ScaleOutDataset.write(in: root)

        let folder = try await FlowCSV.run(["data"] + options, in: root)
        #expect(folder.status == 1, "c/badheader.pcap cannot be read")
        #expect(folder.errorLines == [ScaleOutDataset.unreadableError])

        let listing = try await FlowCSV.run(["--list-inputs", "data"], in: root)
        let entries = listing.stdoutText.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(entries.map { $0[1] } == ScaleOutDataset.captures)

        var concatenated: [UInt8] = []
        var header: [UInt8]?
        var errors: [String] = []
        for entry in entries {
            // Run from elsewhere, by absolute path: only --source-name carries the dataset name.
            let one = try await FlowCSV.run(["--source-name", entry[1]] + options + [root + "/" + entry[0]], in: "/")
            #expect(one.status == (entry[1] == ScaleOutDataset.unreadable ? 1 : 0), "\(entry[1])")
            errors += one.errorLines
            let newline = try #require(one.stdout.firstIndex(of: 0x0A), "\(entry[1]): a header line")
            let head = Array(one.stdout[...newline])
            if header == nil {
                header = head
                concatenated += head
            }
            #expect(head == header!, "\(entry[1]): the same header")
            concatenated += one.stdout[(newline + 1)...]
        }
        #expect(errors == folder.errorLines, "the unreadable file's error line, named as in the folder run")
        #expect(concatenated == folder.stdout, "per-file runs concatenated == folder run (\(options.joined(separator: " ")))")
        #expect(folder.stdout.count > 400, "the comparison is over real rows")
    }
}
