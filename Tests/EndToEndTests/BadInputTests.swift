import FlowStatsTestSupport
import Foundation
import Testing

/// Inputs that cannot be read, are cut short, or don't fit the label template.
@Suite struct BadInputTests {
    /// app_one_1.pcap: small UDP exchange, 2 packets, 62 + 82 = 144 bytes.
    /// app_two_1.pcapng: short TCP connection, 6 packets of 54 bytes = 324, closed with FIN.
    static func writeGoodFiles(in folder: String) throws {
        try PcapWriter.classic(Fixtures.smallUDP()).write(toFile: folder + "/app_one_1.pcap")
        try PcapngWriter.file([.init(interfaces: [.init(linkType: 1)], records: Fixtures.shortTCP())])
            .write(toFile: folder + "/app_two_1.pcapng")
    }

    /// The unreadable files and the reason flowcsv must give for each.
    static func writeBadFiles(in folder: String) throws {
        try [UInt8]().write(toFile: folder + "/empty.pcap")
        try Array("just some text\n".utf8).write(toFile: folder + "/notes.txt")
        try PcapWriter.classic([PcapRecord(ms(0), [0xDE, 0xAD, 0xBE, 0xEF])], linkTypeField: 147)
            .write(toFile: folder + "/lt147.pcap")
        try PcapWriter.classic(Fixtures.smallUDP(), linkTypeField: 0x0030_0001).write(toFile: folder + "/reserved.pcap")
        try PcapWriter.classic(Fixtures.smallUDP(), versionMajor: 1, versionMinor: 4).write(toFile: folder + "/v14.pcap")
    }

    static func checkGoodRows(_ csv: CSVTable) {
        #expect(csv.fileOrder == ["app_one_1.pcap", "app_two_1.pcapng"])
        #expect(csv.rows.count == 2)
        let udp = csv.rows(from: "app_one_1.pcap").first
        #expect(udp?["Protocol"] == "UDP")
        #expect(udp?["FlowPackets"] == "2")
        #expect(udp?["FlowBytes"] == "144")
        #expect(udp?["AppName"] == "app")
        #expect(udp?["AppAction"] == "one")
        let tcp = csv.rows(from: "app_two_1.pcapng").first
        #expect(tcp?["Protocol"] == "TCP")
        #expect(tcp?["FlowPackets"] == "6")
        #expect(tcp?["FlowBytes"] == "324")
        #expect(tcp?["FwdPackets"] == "4")   // SYN, ACK, FIN, ACK
        #expect(tcp?["BwdPackets"] == "2")   // SYN-ACK, FIN
        #expect(tcp?["EndReason"] == "fin")
    }

    @Test func badFilesGivenExplicitly() async throws {
        let root = try makeScratchFolder("bad-explicit")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.writeGoodFiles(in: root)
        try Self.writeBadFiles(in: root)

        let result = try await FlowCSV.run([
            "app_one_1.pcap", "missing.pcap", "empty.pcap", "notes.txt", "lt147.pcap",
            "reserved.pcap", "v14.pcap", "app_two_1.pcapng",
        ], in: root)
        #expect(result.status == 1)
        #expect(result.errorLines == [
            "flowcsv: error: missing.pcap: no such file",
            "flowcsv: error: empty.pcap: empty file, not a pcap or pcapng capture",
            "flowcsv: error: notes.txt: not a pcap or pcapng capture (starts with 0x6a757374)",  // "just"
            "flowcsv: error: lt147.pcap: unsupported link type 147",
            "flowcsv: error: reserved.pcap: savefile linktype reserved field not zero (0x00300000)",
            "flowcsv: error: v14.pcap: unsupported pcap savefile version 1.4",
        ])
        #expect(result.warningLines.isEmpty)
        // 8 inputs; packets 2 + 6; flows 1 + 1; 6 failed.
        #expect(result.noteLines == ["flowcsv: 8 files, 8 packets, 2 flows, 6 failed"])
        let csv = try #require(result.csv)
        #expect(csv.lines.first == documentedBasicHeader)
        Self.checkGoodRows(csv)
    }

    @Test func badFilesInAFolder() async throws {
        let root = try makeScratchFolder("bad-folder")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.writeGoodFiles(in: root + "/batch")
        try Self.writeBadFiles(in: root + "/batch")

        // In a folder, files that are not captures by content (empty.pcap, notes.txt) are
        // skipped and counted; captures that cannot be read are errors.
        let result = try await FlowCSV.run(["batch"], in: root)
        #expect(result.status == 1)
        #expect(result.errorLines == [
            "flowcsv: error: lt147.pcap: unsupported link type 147",
            "flowcsv: error: reserved.pcap: savefile linktype reserved field not zero (0x00300000)",
            "flowcsv: error: v14.pcap: unsupported pcap savefile version 1.4",
        ])
        #expect(result.noteLines == ["flowcsv: 5 files, 8 packets, 2 flows, 3 failed, 2 non-capture files skipped"])
        Self.checkGoodRows(try #require(result.csv))
    }

    @Test func noCaptureFound() async throws {
        let root = try makeScratchFolder("no-capture")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Array("hello\n".utf8).write(toFile: root + "/data/readme.txt")
        let result = try await FlowCSV.run(["data"], in: root)
        #expect(result.status == 1, "README: exit 1 when no capture was found")
        #expect(result.errorLines.count == 1)
        #expect(result.errorLines.first?.contains("no capture files found") == true)
    }

    // MARK: - Cut off mid-packet

    /// Five UDP datagrams of 20 payload bytes (62-byte frames), alternating client/server,
    /// 10 ms apart. Cut so that only the first four are whole: 2 + 2 packets, 248 bytes.
    static func cutRecords() -> [PcapRecord] {
        (0..<5).map { i in Fixtures.dns.udp(ms(Int64(i) * 10), fromClient: i % 2 == 0, payload: 20) }
    }

    static func checkCutResult(_ result: RunResult, file: String) throws {
        #expect(result.status == 0, "a cut-off file is read, not failed")
        #expect(result.errorLines.isEmpty)
        #expect(result.warningLines.count == 1)
        let warning = try #require(result.warningLines.first)
        #expect(warning.hasPrefix("flowcsv: warning: \(file): "), "the warning names the file")
        #expect(warning.contains("cut off"), "the warning says the file is cut off: \(warning)")
        #expect(result.noteLines == ["flowcsv: 1 files, 4 packets, 1 flows, 0 failed"])
        let csv = try #require(result.csv)
        #expect(CSVTable.sum(csv.rows, "FlowPackets") == 4)
        #expect(CSVTable.sum(csv.rows, "FlowBytes") == 248)
        #expect(csv.rows.first?["FwdPackets"] == "2")
        #expect(csv.rows.first?["BwdPackets"] == "2")
        #expect(csv.rows.first?["DurationTime"] == "0.030000")
    }

    /// Cut 10 bytes into the last packet's data, or inside its 16-byte record header
    /// (62 + 16 − 6 = 72 bytes dropped leaves 6 header bytes).
    @Test(arguments: [10, 72])
    func classicPcapCutOff(dropping: Int) async throws {
        let root = try makeScratchFolder("cut-pcap")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let whole = PcapWriter.classic(Self.cutRecords())
        try Array(whole.dropLast(dropping)).write(toFile: root + "/cut_file_1.pcap")
        let result = try await FlowCSV.run(["cut_file_1.pcap"], in: root)
        try Self.checkCutResult(result, file: "cut_file_1.pcap")
    }

    @Test func pcapngCutOff() async throws {
        let root = try makeScratchFolder("cut-pcapng")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let whole = PcapngWriter.file([.init(interfaces: [.init(linkType: 1)], records: Self.cutRecords())])
        try Array(whole.dropLast(10)).write(toFile: root + "/cut_file_1.pcapng")
        let result = try await FlowCSV.run(["cut_file_1.pcapng"], in: root)
        try Self.checkCutResult(result, file: "cut_file_1.pcapng")
    }

    // MARK: - Label template mismatch

    @Test func nameThatDoesNotFitTheTemplate() async throws {
        let root = try makeScratchFolder("label-mismatch")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PcapWriter.classic(Fixtures.smallUDP()).write(toFile: root + "/caps/capture.pcap")
        try PcapWriter.classic(Fixtures.shortTCP()).write(toFile: root + "/caps/web_browse_1.pcap")

        let result = try await FlowCSV.run(["caps"], in: root)
        #expect(result.status == 0, "a label mismatch never fails the run")
        #expect(result.errorLines.isEmpty)
        #expect(result.warningLines.count == 1)
        #expect(result.warningLines.first?.hasPrefix("flowcsv: warning: capture.pcap: ") == true)
        #expect(result.warningLines.first?.contains("label template") == true)
        #expect(result.noteLines == ["flowcsv: 2 files, 8 packets, 2 flows, 0 failed"])
        let csv = try #require(result.csv)
        #expect(csv.fileOrder == ["capture.pcap", "web_browse_1.pcap"])
        let unlabelled = try #require(csv.rows(from: "capture.pcap").first)
        #expect(unlabelled["AppName"] == "")
        #expect(unlabelled["AppAction"] == "")
        #expect(unlabelled["FlowPackets"] == "2")
        let labelled = try #require(csv.rows(from: "web_browse_1.pcap").first)
        #expect(labelled["AppName"] == "web")
        #expect(labelled["AppAction"] == "browse")
    }

    @Test func mismatchWithAFieldTemplate() async throws {
        let root = try makeScratchFolder("label-mismatch-fields")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PcapWriter.classic(Fixtures.smallUDP()).write(toFile: root + "/2019_05_netflix_x_stream_01.pcap")
        try PcapWriter.classic(Fixtures.smallUDP()).write(toFile: root + "/short_name.pcap")
        let result = try await FlowCSV.run(["2019_05_netflix_x_stream_01.pcap", "short_name.pcap",
                                            "--label-template", "*_*_{AppName}_*_{AppAction}"], in: root)
        #expect(result.status == 0)
        #expect(result.warningLines.count == 1)
        #expect(result.warningLines.first?.hasPrefix("flowcsv: warning: short_name.pcap: ") == true)
        let csv = try #require(result.csv)
        #expect(csv.rows.map { $0["AppName"] } == ["netflix", ""])
        #expect(csv.rows.map { $0["AppAction"] } == ["stream", ""])
    }

    // MARK: - --quiet

    @Test func quietSilencesWarningsAndSummaryButNotErrors() async throws {
        let root = try makeScratchFolder("quiet")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PcapWriter.classic(Fixtures.smallUDP()).write(toFile: root + "/capture.pcap")          // label warning; 2 packets
        try Array(PcapWriter.classic(Self.cutRecords()).dropLast(10)).write(toFile: root + "/cut_file_1.pcap")  // cut-off warning; 4 packets
        try PcapWriter.classic(Fixtures.shortTCP()).write(toFile: root + "/app_two_1.pcap")       // 6 packets
        let inputs = ["capture.pcap", "cut_file_1.pcap", "missing.pcap", "app_two_1.pcap"]

        let loud = try await FlowCSV.run(inputs, in: root)
        #expect(loud.status == 1)
        #expect(loud.errorLines == ["flowcsv: error: missing.pcap: no such file"])
        #expect(loud.warningLines.count == 2)
        #expect(loud.warningLines.first?.hasPrefix("flowcsv: warning: capture.pcap: ") == true)
        #expect(loud.warningLines.last?.hasPrefix("flowcsv: warning: cut_file_1.pcap: ") == true)
        // 4 inputs; packets 2 + 4 + 6 = 12; one flow each in three files; missing.pcap failed.
        #expect(loud.noteLines == ["flowcsv: 4 files, 12 packets, 3 flows, 1 failed"])

        for flag in ["--quiet", "-q"] {
            let quiet = try await FlowCSV.run(inputs + [flag], in: root)
            #expect(quiet.status == 1)
            #expect(quiet.stderrLines == ["flowcsv: error: missing.pcap: no such file"], "\(flag)")
            #expect(quiet.stdout == loud.stdout, "\(flag) changes only stderr")
        }
    }
}
