import Foundation
import FlowStatsTestSupport
import Testing

/// `flowcsv summary`: its figures against an independent grouping of the rows `flowcsv convert`
/// writes (SummaryReference), every --format, and bad inputs.
@Suite struct SummaryTests {
    static let root = FlowCSV.packageRoot.path

    /// `flowcsv convert ARGS --app-metadata -o FILE` (the columns summary reads captures with).
    func convert(_ inputs: [String], extra: [String] = [], in folder: String) async throws -> CSVTable {
        let out = folder + "/flows.csv"
        let run = try await FlowCSV.run(inputs + ["--app-metadata", "-q", "-o", out] + extra, in: Self.root, timeout: .seconds(300))
        #expect(run.status == 0 || run.status == 1, "\(run.stderr)")
        return try readCSV(out)
    }

    func summary(_ arguments: [String], in directory: String = SummaryTests.root) async throws -> RunResult {
        try await FlowCSV.run(["summary"] + arguments, in: directory, timeout: .seconds(300))
    }

    @Test(arguments: [["AppName"], ["AppName", "AppAction"], ["ServerPort"], ["Protocol"], ["SourceFile"]])
    func examplesMatchAnIndependentGrouping(by: [String]) async throws {
        let folder = try makeScratchFolder("summary-examples")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let rows = try await convert(["examples/"], in: folder)
        let run = try await summary(["examples/", "--by", by.joined(separator: ","), "--format", "csv", "-q"])
        #expect(run.status == 0, "\(run.stderr)")
        let table = try #require(run.csv, "summary csv is not RFC 4180")
        #expect(table.header.prefix(by.count + 6) == ArraySlice(by + ["Files", "Flows", "Packets", "Bytes", "FwdBytes", "BwdBytes"]))
        SummaryReference.check(summary: table, rows: rows, by: by)
    }

    @Test func groupsByLabelColumns() async throws {
        let folder = try makeScratchFolder("summary-labels")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let labels = ["--label", "Tenant=acme", "--label-regex", "^(?<Class>[^/]+)/"]
        let rows = try await convert(["examples/"], extra: labels, in: folder)
        let run = try await summary(["examples/", "--by", "Tenant,Class", "--format", "csv", "-q"] + labels)
        #expect(run.status == 0, "\(run.stderr)")
        let table = try #require(run.csv)
        #expect(table.rows.map { $0["Tenant"] + "/" + $0["Class"] } == ["acme/camsurf", "acme/linkedin"])
        SummaryReference.check(summary: table, rows: rows, by: ["Tenant", "Class"])
    }

    @Test func aCSVReadBackGivesTheSameSummaryAsItsCaptures() async throws {
        let folder = try makeScratchFolder("summary-readback")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try await convert(["examples/"], in: folder)
        for format in ["csv", "json"] {
            let fromCaptures = try await summary(["examples/", "--format", format, "-q", "--by", "AppName,AppAction"])
            let fromCSV = try await summary([folder + "/flows.csv", "--format", format, "-q", "--by", "AppName,AppAction"])
            #expect(fromCSV.status == 0, "\(fromCSV.stderr)")
            if format == "csv" {
                #expect(fromCaptures.stdoutText == fromCSV.stdoutText)
            } else {
                // The inputs differ (4 captures, 1 CSV); the groups are the same.
                let a = try #require(try JSONSerialization.jsonObject(with: Data(fromCaptures.stdout)) as? [String: Any])
                let b = try #require(try JSONSerialization.jsonObject(with: Data(fromCSV.stdout)) as? [String: Any])
                #expect(NSArray(array: a["groups"] as? [Any] ?? []) == NSArray(array: b["groups"] as? [Any] ?? []))
            }
        }
    }

    @Test(.enabled(if: SharedCorpus.isPresent, "needs ../shared/corpus next to the package"), arguments: [["AppName"], ["ServerPort"], ["Service"]])
    func corpusCapturesMatchAnIndependentGrouping(by: [String]) async throws {
        let folder = try makeScratchFolder("summary-corpus")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let rows = try await convert([SharedCorpus.captures], in: folder)
        let run = try await summary([SharedCorpus.captures, "--by", by.joined(separator: ","), "--format", "csv", "-q"])
        // Some corpus captures are broken on purpose: exit 1, as `convert` does, the rest summarised.
        #expect(run.status == 1 || run.status == 0)
        let table = try #require(run.csv)
        #expect(table.rows.count > 1)
        SummaryReference.check(summary: table, rows: rows, by: by)
    }

    @Test func everyFormat() async throws {
        let table = try await summary(["examples/", "--width", "100", "-q"])
        #expect(table.status == 0)
        let lines = table.stdoutText.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.hasPrefix("Summary by AppName: 2 groups, 19 flows") == true)
        #expect(lines.contains { $0.hasPrefix("camsurf ") })
        #expect(lines.contains { $0.hasPrefix("all ") })
        // The table itself fits: every row between the header and the totals.
        let body = lines.drop { !$0.hasPrefix("AppName") }.prefix { !$0.isEmpty }
        #expect(body.count == 6 && body.allSatisfy { $0.count <= 100 })
        // So do the lines around it.
        #expect(lines.allSatisfy { $0.count <= 100 })
        let wide = try await summary(["examples/", "--width", "400", "-q"])
        #expect(wide.stdoutText.contains("Top servers") && wide.stdoutText.contains("EndReason"))

        let markdown = try await summary(["examples/", "--format", "markdown", "-q"])
        #expect(markdown.stdoutText.contains("| AppName | Files | Flows | Packets | Bytes |"))
        #expect(markdown.stdoutText.contains("|---|---:|"))

        let json = try await summary(["examples/", "--format", "json", "-q"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout)) as? [String: Any])
        let groups = try #require(object["groups"] as? [[String: Any]])
        #expect(groups.count == 2)
        let total = try #require(object["total"] as? [String: Any])
        #expect(total["flows"] as? Int == 19)
        #expect((object["inputs"] as? [Any])?.count == 4)
        #expect(object["empty"] as? Bool == false)

        let csv = try await summary(["examples/", "--format", "csv", "-q"])
        #expect(csv.csv?.header == ["AppName", "Files", "Flows", "Packets", "Bytes", "FwdBytes", "BwdBytes", "Share",
                                    "DurationMedian", "DurationP95", "DurationMax", "SizeMedian", "SizeP95", "SizeMax",
                                    "Protocols", "ConnStates", "EndReasons", "TopServers", "FirstSeen", "LastSeen"])
        // Same input, same bytes out.
        let again = try await summary(["examples/", "--format", "csv", "-q"])
        #expect(again.stdout == csv.stdout)
    }

    @Test func aCSVThatIsNotFlowcsvsIsOneErrorLineNamingFileAndColumn() async throws {
        let folder = try makeScratchFolder("summary-bad")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "name,value\nx,1\n".write(toFile: folder + "/other.csv", atomically: true, encoding: .utf8)
        let run = try await summary(["other.csv"], in: folder)
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        #expect(run.errorLines == ["flowcsv: error: other.csv: not a flowcsv CSV? no column AppName to group by (--by AppName)"])

        let rows = try await convert(["examples/"], in: folder)
        #expect(!rows.rows.isEmpty)
        let missing = try await summary(["flows.csv", "--by", "Tenant"], in: folder)
        #expect(missing.status == 1)
        #expect(missing.errorLines == ["flowcsv: error: flows.csv: no column Tenant to group by (--by Tenant)"])

        try "AppName,FlowBytes\n\"web,1\n".write(toFile: folder + "/cut.csv", atomically: true, encoding: .utf8)
        let cut = try await summary(["cut.csv"], in: folder)
        #expect(cut.status == 1)
        #expect(cut.errorLines.count == 1 && cut.errorLines[0].contains("cut.csv: ends inside a quoted field"))
    }

    @Test func aCSVWithFewerColumnsLeavesFiguresOutWithNotes() async throws {
        let folder = try makeScratchFolder("summary-partial")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "AppName,FlowPackets,FlowBytes\nweb,3,300\nweb,1,100\nmail,2,50\n".write(toFile: folder + "/part.csv", atomically: true, encoding: .utf8)
        let run = try await summary(["part.csv", "--format", "csv"], in: folder)
        #expect(run.status == 0)
        let table = try #require(run.csv)
        #expect(table.rows.map { $0["AppName"] } == ["web", "mail"])
        #expect(table.rows[0]["Bytes"] == "400" && table.rows[0]["Packets"] == "4" && table.rows[0]["DurationMedian"] == "")
        let text = try await summary(["part.csv"], in: folder)
        #expect(text.stdoutText.contains("Note: figure Duration left out: no column DurationTime in part.csv"))
    }

    @Test func emptyInputsGiveAnEmptySummaryThatSaysSo() async throws {
        let folder = try makeScratchFolder("summary-empty")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "".write(toFile: folder + "/empty.csv", atomically: true, encoding: .utf8)
        try (documentedBasicHeader + "\n").write(toFile: folder + "/header.csv", atomically: true, encoding: .utf8)
        for file in ["empty.csv", "header.csv"] {
            let run = try await summary([file, "--html", "r.html"], in: folder)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdoutText.contains("0 groups, 0 flows"))
            #expect(run.stdoutText.contains("empty summary: the inputs held no flows"))
            let html = try String(contentsOfFile: folder + "/r.html", encoding: .utf8)
            #expect(html.contains("Empty summary: the inputs held no flows."))
            let json = try await summary([file, "--format", "json"], in: folder)
            #expect(json.stdoutText.contains("\"empty\": true"))
        }
        // No input file at all: the empty summary, one error line, exit 1 (as convert).
        try FileManager.default.createDirectory(atPath: folder + "/none", withIntermediateDirectories: true)
        let none = try await summary(["none"], in: folder)
        #expect(none.status == 1)
        #expect(none.errorLines == ["flowcsv: error: no capture or CSV files found in the inputs"])
        #expect(none.stdoutText.contains("0 groups, 0 flows"))
    }

    @Test func unreadableCapturesAreListedAndTheExitStatusIsOne() async throws {
        let folder = try makeScratchFolder("summary-unreadable")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A pcap magic number and then nothing: a capture by content, but unreadable.
        try Data([0xD4, 0xC3, 0xB2, 0xA1, 2, 0]).write(to: URL(fileURLWithPath: folder + "/broken.pcap"))
        let good = Self.root + "/examples/camsurf/camsurf_chat_1.pcap"
        let run = try await summary([good, "broken.pcap", "--html", "r.html"], in: folder)
        #expect(run.status == 1)
        #expect(run.errorLines.count == 1 && run.errorLines[0].hasPrefix("flowcsv: error: broken.pcap: "))
        #expect(run.stdoutText.contains("5 flows"))
        #expect(run.stdoutText.contains("Input not read: broken.pcap: "))
        let html = try String(contentsOfFile: folder + "/r.html", encoding: .utf8)
        #expect(html.contains("<tr class=\"failed\"><td>broken.pcap</td>"))
    }

    @Test func usageErrors() async throws {
        for arguments in [["examples/", "--format", "yaml"], ["examples/", "--top", "0"], ["examples/", "--by", ""], []] {
            let run = try await summary(arguments)
            #expect(run.status == FlowCSV.usageExitCode, "\(arguments)")
        }
        let help = try await summary(["--help"])
        for option in ["--by", "--top", "--format", "--width", "--html", "--preset", "--label-template", "--schema", "--jobs", "docs/summary.md", "64"] {
            #expect(help.stdoutText.contains(option), "summary --help does not mention \(option)")
        }
        let root = try await FlowCSV.run(["--help"], in: Self.root)
        #expect(root.stdoutText.contains("summary"), "the root help lists the summary subcommand")
    }
}
