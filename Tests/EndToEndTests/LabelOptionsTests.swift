import FlowStatsTestSupport
import Foundation
import Testing

/// `--label-regex`, `--labels`, `--label`, `--label-rules` and `--explain-labels` end to end on
/// folders built here. Expected labels follow from the file names and the rule text by hand;
/// the capture times are `epochNs` = 1700000000 s = 2023-11-14 22:13:20 UTC = 17:13:20 EST
/// (`date -u -d @1700000000`; New York is at −05:00 after 5 November 2023).
@Suite struct LabelOptionsTests {
    static func write(_ text: String, _ path: String) throws { try Array(text.utf8).write(toFile: path) }

    /// USTC-TFC2016 layout: class folders, file stem = class.
    static func ustc(in root: String) throws {
        try PcapWriter.classic(Fixtures.smallUDP()).write(toFile: root + "/data/Benign/Gmail.pcap")
        try PcapWriter.classic(Fixtures.shortTCP()).write(toFile: root + "/data/Malware/Zeus.pcap")
    }

    @Test func regexOnTheRelativePathAddsItsOwnColumns() async throws {
        let root = try makeScratchFolder("label-regex")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.ustc(in: root)
        let result = try await FlowCSV.run(["data", "--label-regex", #"^(?<Class>[^/]+)/(?<AppName>[^/]+)\.pcap$"#], in: root)
        #expect(result.status == 0)
        #expect(result.warningLines.isEmpty, "both paths fit; the default template is not used")
        let csv = try #require(result.csv)
        #expect(csv.header.joined(separator: ",") == documentedBasicHeader + ",Class")
        #expect(csv.rows.map { [$0["SourceFile"], $0["AppName"], $0["AppAction"], $0["Class"]] } == [
            ["Benign/Gmail.pcap", "Gmail", "", "Benign"],
            ["Malware/Zeus.pcap", "Zeus", "", "Malware"],
        ])
    }

    @Test func aFileGivenDirectlyIsMatchedByItsNameAndAMissIsOneWarning() async throws {
        let root = try makeScratchFolder("label-regex-direct")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.ustc(in: root)
        // The regex wants Class/Name.pcap; a file given directly is matched by its name alone.
        let result = try await FlowCSV.run(["data/Benign/Gmail.pcap", "--label-regex", #"^(?<Class>[^/]+)/(?<AppName>[^/]+)\.pcap$"#], in: root)
        #expect(result.status == 0, "a name that does not match is not an error")
        #expect(result.warningLines == ["flowcsv: warning: data/Benign/Gmail.pcap: file name matched by none of: --label-regex; labels left empty"])
        let csv = try #require(result.csv)
        let row = try #require(csv.rows.first)
        #expect(csv.rows.count == 1)
        #expect([row["AppName"], row["AppAction"], row["Class"]] == ["", "", ""])

        let byName = try await FlowCSV.run(["data/Benign/Gmail.pcap", "--label-regex", #"^(?<AppName>[^/]+)\.pcap$"#], in: root)
        #expect(byName.warningLines.isEmpty)
        #expect(byName.csv?.rows.first?["AppName"] == "Gmail")
    }

    /// ISCX VPN-nonVPN's inconsistent names, through a table of globs.
    @Test func tableOfGlobs() async throws {
        let root = try makeScratchFolder("label-table")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PcapngWriter.file([.init(interfaces: [.init(linkType: 1)], records: Fixtures.smallUDP())]).write(toFile: root + "/iscx/facebookchat1.pcapng")
        for name in ["vpn_skype_audio1.pcap", "hangouts_chat_4b.pcap", "unknown.pcap"] {
            try PcapWriter.classic(Fixtures.smallUDP()).write(toFile: root + "/iscx/" + name)
        }
        try Self.write("""
            File,AppName,AppAction,Traffic
            vpn_skype_audio*,skype,audio,VPN
            facebookchat*,facebook,chat,NonVPN
            hangout*_chat_*,hangouts,chat,NonVPN
            facebook*,never,used,first-match-wins

            """, root + "/iscx.csv")
        let result = try await FlowCSV.run(["iscx", "--labels", "iscx.csv"], in: root)
        #expect(result.status == 0)
        #expect(result.warningLines == ["flowcsv: warning: unknown.pcap: file name matched by none of: --labels iscx.csv; labels left empty"])
        let csv = try #require(result.csv)
        #expect(csv.header.joined(separator: ",") == documentedBasicHeader + ",Traffic")
        #expect(csv.rows.map { [$0["SourceFile"], $0["AppName"], $0["AppAction"], $0["Traffic"]] } == [
            ["facebookchat1.pcapng", "facebook", "chat", "NonVPN"],
            ["hangouts_chat_4b.pcap", "hangouts", "chat", "NonVPN"],
            ["unknown.pcap", "", "", ""],
            ["vpn_skype_audio1.pcap", "skype", "audio", "VPN"],
        ])
    }

    @Test func constantsOverrideAndAddColumns() async throws {
        let root = try makeScratchFolder("label-constants")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PcapWriter.classic(Fixtures.browse()).write(toFile: root + "/d/camsurf_browse_1.pcap")
        let result = try await FlowCSV.run(["d", "--label", "AppName=override", "--label", "Site=lab 2", "--label", "Empty="], in: root)
        #expect(result.status == 0)
        let csv = try #require(result.csv)
        #expect(csv.header.joined(separator: ",") == documentedBasicHeader + ",Site,Empty")
        #expect(csv.rows.count == 2)
        for row in csv.rows {
            #expect([row["AppName"], row["AppAction"], row["Site"], row["Empty"]] == ["override", "browse", "lab 2", ""],
                    "AppAction still comes from the default template")
        }
    }

    @Test func extraColumnsInOrderAndTheTemplateOnlyWhenGiven() async throws {
        let root = try makeScratchFolder("label-order")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PcapWriter.classic(Fixtures.smallUDP()).write(toFile: root + "/d/camsurf_browse_1.pcap")
        try Self.write("File,Alpha,AppAction\n*,a,act\n", root + "/t.csv")
        try Self.write("column Verdict\ndefault ok\n", root + "/r.txt")
        let arguments = ["d", "--label-rules", "r.txt", "--label", "Mid=1", "--labels", "t.csv", "--label-regex", "^(?<Zeta>[a-z]+)_"]
        let result = try await FlowCSV.run(arguments, in: root)
        #expect(result.status == 0)
        let csv = try #require(result.csv)
        // regex groups, table columns, constants, the rules column — whatever the option order.
        #expect(csv.header.joined(separator: ",") == documentedBasicHeader + ",Zeta,Alpha,Mid,Verdict")
        let row = try #require(csv.rows.first)
        #expect(row.fields.suffix(4) == ["camsurf", "a", "1", "ok"])
        #expect([row["AppName"], row["AppAction"]] == ["", "act"], "with --labels/--label-regex the default template is off")

        let withTemplate = try await FlowCSV.run(arguments + ["--label-template", "{AppName}_{AppAction}"], in: root)
        let templated = try #require(withTemplate.csv?.rows.first)
        #expect([templated["AppName"], templated["AppAction"]] == ["camsurf", "act"], "the table row beats the template")
    }

    static let rules = """
        # CIC-IDS style: first match wins
        column Attack
        default BENIGN
        tz America/New_York
        dst=10.0.0.3 dport=53 proto=udp -> DNS
        dst=10.0.0.0/24 dport=1-1023 proto=tcp start=2023-11-14T17:13:20 end=2023-11-14T17:13:21 attempted -> Probe

        """

    /// browse: TCP 10.0.0.1:40000 → 10.0.0.2:80 at +100 ms with 100 client bytes (Probe), DNS
    /// to 10.0.0.3:53 at +105 ms (DNS). scan: two handshakes without payload to 10.0.0.9:22,
    /// at +500 ms (in the window: Probe - Attempted) and +2000 ms (after it: BENIGN).
    static func cic(in root: String) throws {
        try PcapWriter.classic(Fixtures.browse()).write(toFile: root + "/cic/browse.pcap")
        let early = Conversation(clientPort: 40001, server: "10.0.0.9", serverPort: 22)
        let late = Conversation(clientPort: 40002, server: "10.0.0.9", serverPort: 22)
        try PcapWriter.classic(Fixtures.shortTCP(startMs: 500, early) + Fixtures.shortTCP(startMs: 2000, late)).write(toFile: root + "/cic/scan.pcap")
        try write(rules, root + "/rules.txt")
    }

    @Test(arguments: [1, 2])
    func rulesLabelEachFlowAndExplainCountsThem(jobs: Int) async throws {
        let root = try makeScratchFolder("label-rules")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.cic(in: root)
        let result = try await FlowCSV.run(["cic", "--label-rules", "rules.txt", "--explain-labels", "--jobs", String(jobs)], in: root)
        #expect(result.status == 0)
        let csv = try #require(result.csv)
        #expect(csv.header.joined(separator: ",") == documentedBasicHeader + ",Attack")
        let labels = Dictionary(uniqueKeysWithValues: csv.rows.map { ("\($0["Protocol"]) \($0["ClientPort"])", $0["Attack"]) })
        #expect(labels == ["TCP 40000": "Probe", "UDP 5353": "DNS", "TCP 40001": "Probe - Attempted", "TCP 40002": "BENIGN"])
        #expect(result.stderrLines.filter { $0.hasPrefix("flowcsv: labels: ") } == [
            "flowcsv: labels: browse.pcap: AppName= (nothing), AppAction= (nothing)",
            "flowcsv: labels: scan.pcap: AppName= (nothing), AppAction= (nothing)",
            "flowcsv: labels: rules.txt line 5 (DNS): 1 flows",
            "flowcsv: labels: rules.txt line 6 (Probe): 2 flows (1 attempted)",
            "flowcsv: labels: rules.txt default (BENIGN): 1 flows",
        ])
    }

    /// The CIC schemas' own `Label`: the rules fill it (no column is appended), CIC-IDS2017
    /// spells it " Label"; with a `column Attack` file the rules are appended and `Label` is
    /// AppName (here the stems browse/scan through `--label-template '{AppName}'`).
    @Test(arguments: [("cic", "Label"), ("cic2017", " Label"), ("cic2018", "Label")])
    func rulesFillTheCICLabelColumn(schema: String, label: String) async throws {
        let root = try makeScratchFolder("label-cic")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.cic(in: root)
        try Self.write(Self.rules.replacingOccurrences(of: "column Attack\n", with: ""), root + "/label.rules")
        let result = try await FlowCSV.run(["cic", "--schema", schema, "--label-rules", "label.rules"], in: root)
        #expect(result.status == 0)
        let csv = try #require(result.csv)
        #expect(csv.header.last == label)
        #expect(csv.header.filter { $0.trimmingCharacters(in: .whitespaces) == "Label" }.count == 1)
        #expect(csv.rows.map { $0[label] }.sorted() == ["BENIGN", "DNS", "Probe", "Probe - Attempted"])

        let named = try await FlowCSV.run(["cic", "--schema", schema, "--label-rules", "rules.txt", "--label-template", "{AppName}"], in: root)
        let table = try #require(named.csv)
        #expect(table.header.suffix(2) == [label, "Attack"])
        #expect(table.rows.map { $0[label] }.sorted() == ["browse", "browse", "scan", "scan"])
        #expect(table.rows.map { $0["Attack"] }.sorted() == ["BENIGN", "DNS", "Probe", "Probe - Attempted"])
    }

    @Test func explainNamesTheTableRowAndTheRegex() async throws {
        let root = try makeScratchFolder("label-explain")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PcapWriter.classic(Fixtures.smallUDP()).write(toFile: root + "/d/x/skype_call.pcap")
        try Self.write("File,AppAction\nx/skype_*,voice\n", root + "/t.csv")
        let result = try await FlowCSV.run(["d", "--labels", "t.csv", "--label-regex", "(?<AppName>[a-z]+)_", "--explain-labels", "-q"], in: root)
        #expect(result.status == 0)
        #expect(result.stderrLines == ["flowcsv: labels: x/skype_call.pcap: AppName=skype (--label-regex), AppAction=voice (t.csv line 2 'x/skype_*')"])
    }

    /// Bad label options: usage errors (64) naming the file and line; no output is written.
    @Test(arguments: [
        (["--labels", "missing.csv"], "missing.csv"),
        (["--labels", "ragged.csv"], "ragged.csv:3: 1 fields, the header has 2"),
        (["--labels", "nofile.csv"], "nofile.csv:1: the header has no File column"),
        (["--labels", "empty.csv"], "empty.csv:1:"),
        (["--label-rules", "bad-rules.txt"], "bad-rules.txt:3: start='2017-07-05T09:00' has no time zone"),
        (["--label-rules", "bad-cidr.txt"], "bad-cidr.txt:1: '10.0.0.0/40' in dst= is not an IPv4/IPv6 address or CIDR"),
        (["--label-rules", "missing-rules.txt"], "missing-rules.txt"),
        (["--label", "Site"], "not NAME=VALUE"),
        (["--label", "Site=a", "--label", "Site=b"], "given twice"),
        (["--label", "SourceFile=x"], "already a column of the schema"),
        (["--label-regex", "(?<AppName>"], "not a valid regular expression"),
        (["--label-regex", "[a-z]+"], "no named group"),
    ])
    func badLabelOptionsAreUsageErrors(arguments: [String], message: String) async throws {
        let root = try makeScratchFolder("label-usage")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PcapWriter.classic(Fixtures.smallUDP()).write(toFile: root + "/a_b.pcap")
        try Self.write("File,AppName\na*,x\nb*\n", root + "/ragged.csv")
        try Self.write("Name,AppName\na*,x\n", root + "/nofile.csv")
        try Self.write("", root + "/empty.csv")
        try Self.write("default BENIGN\n# ok so far\nstart=2017-07-05T09:00 end=2017-07-05T10:00 -> X\n", root + "/bad-rules.txt")
        try Self.write("dst=10.0.0.0/40 -> X\n", root + "/bad-cidr.txt")
        let result = try await FlowCSV.run(["a_b.pcap", "-o", "out.csv"] + arguments, in: root)
        #expect(result.status == FlowCSV.usageExitCode)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: root + "/out.csv"))
    }
}
