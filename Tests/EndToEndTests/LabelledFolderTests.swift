import FlowStatsTestSupport
import Foundation
import Testing

/// A labelled dataset in the folder-per-app layout, read as a folder.
@Suite struct LabelledFolderTests {
    static let browseFile = "camsurf/camsurf_browse_1.pcap"
    static let feedFile = "linkedin/linkedin_feed_2.pcapng"

    @Test func folderWithTheDefaultTemplate() async throws {
        let root = try makeScratchFolder("labelled-default")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Fixtures.writeLabelledDataset(in: root)

        let result = try await FlowCSV.run(["data", "-o", "out.csv"], in: root)
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty, "with -o nothing goes to stdout")
        #expect(result.errorLines.isEmpty)
        #expect(result.warningLines.isEmpty)
        // browse 10 packets + feed 3; notes.txt is skipped, not an error.
        #expect(result.noteLines == ["flowcsv: 2 files, 13 packets, 3 flows, 0 failed, 1 non-capture files skipped"])

        let csv = try readCSV(root + "/out.csv")
        #expect(csv.lines.first == documentedBasicHeader)
        #expect(csv.lines.filter { $0.hasPrefix("StartTime,") }.count == 1, "exactly one header line")
        #expect(csv.rows.count == 3)
        // Files in sorted order, SourceFile relative to the folder given.
        #expect(csv.fileOrder == [Self.browseFile, Self.feedFile])
        #expect(csv.rows.map { $0["SourceFile"] } == [Self.browseFile, Self.browseFile, Self.feedFile])

        // Every row in full (the order of two flows that both end at the end of the file is
        // flowcsv's business; the set of rows is not).
        let expected: Set<String> = [
            Fixtures.row(Fixtures.browseTCPRowParts, app: "camsurf", action: "browse", file: Self.browseFile),
            Fixtures.row(Fixtures.browseUDPRowParts, app: "camsurf", action: "browse", file: Self.browseFile),
            Fixtures.row(Fixtures.feedRowParts, app: "linkedin", action: "feed", file: Self.feedFile),
        ]
        #expect(Set(csv.coreLines.dropFirst()) == expected)

        // The TCP flow, column by column.
        let tcp = try #require(csv.rows.first { $0["Protocol"] == "TCP" })
        #expect(tcp["StartTime"] == "1700000000.100000")
        #expect(tcp["DurationTime"] == "0.070000")            // 170 ms − 100 ms
        #expect(tcp["ClientIP"] == "10.0.0.1")
        #expect(tcp["ClientPort"] == "40000")
        #expect(tcp["ServerIP"] == "10.0.0.2")
        #expect(tcp["ServerPort"] == "80")
        #expect(tcp["AppName"] == "camsurf")
        #expect(tcp["AppAction"] == "browse")
        #expect(tcp["FlowPackets"] == "8")
        #expect(tcp["FlowBytes"] == "1532")                   // 370 + 1162
        #expect(tcp["PacketsBytesAvg"] == "191.5")            // 1532 / 8
        #expect(tcp["FwdPackets"] == "5")
        #expect(tcp["FwdBytes"] == "370")                     // SYN 54, ACK 54, 100 B 154, FIN 54, ACK 54
        #expect(tcp["BwdPackets"] == "3")
        #expect(tcp["BwdBytes"] == "1162")                    // SYN-ACK 54, 1000 B 1054, FIN 54
        #expect(tcp["EndReason"] == "fin")
        #expect(tcp["SourceFile"] == Self.browseFile)

        let feed = try #require(csv.rows.first { $0["SourceFile"] == Self.feedFile })
        #expect(feed["ClientIP"] == "2001:db8::1")
        #expect(feed["AppName"] == "linkedin")
        #expect(feed["AppAction"] == "feed")                  // the extra stem field "2" is ignored
    }

    @Test func folderPerAppTemplate() async throws {
        let root = try makeScratchFolder("labelled-folder-template")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Fixtures.writeLabelledDataset(in: root)

        let result = try await FlowCSV.run(["data", "--label-template", "{AppName}/*"], in: root)
        #expect(result.status == 0)
        #expect(result.warningLines.isEmpty, "every file fits '{AppName}/*'")
        let csv = try #require(result.csv)
        #expect(csv.header.joined(separator: ",") == documentedBasicHeader)
        let expected: Set<String> = [
            Fixtures.row(Fixtures.browseTCPRowParts, app: "camsurf", action: "", file: Self.browseFile),
            Fixtures.row(Fixtures.browseUDPRowParts, app: "camsurf", action: "", file: Self.browseFile),
            Fixtures.row(Fixtures.feedRowParts, app: "linkedin", action: "", file: Self.feedFile),
        ]
        #expect(Set(csv.coreLines.dropFirst()) == expected)
        #expect(csv.fileOrder == [Self.browseFile, Self.feedFile])
    }

    /// The README's template examples, end to end.
    @Test(arguments: [
        ("*_*_{AppName}_*_{AppAction}", "2019_05_netflix_x_stream_01.pcap", "netflix", "stream"),
        ("{AppName}/{AppAction}_*", "linkedin/feed_01.pcap", "linkedin", "feed"),
        ("{AppName}_{AppAction}", "facebook_chat_4a.pcap", "facebook", "chat"),
    ])
    func readmeTemplateExamples(template: String, file: String, app: String, action: String) async throws {
        let root = try makeScratchFolder("template-examples")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try PcapWriter.classic(Fixtures.smallUDP()).write(toFile: root + "/pcap_data/" + file)

        let result = try await FlowCSV.run(["pcap_data", "--label-template", template], in: root)
        #expect(result.status == 0)
        #expect(result.warningLines.isEmpty)
        let csv = try #require(result.csv)
        let row = try #require(csv.rows.first)
        #expect(csv.rows.count == 1)
        #expect(row["AppName"] == app)
        #expect(row["AppAction"] == action)
        #expect(row["SourceFile"] == file)
    }
}
