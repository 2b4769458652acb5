import FlowStatsTestSupport
import Foundation
import Testing

/// `--source-name NAME`: a single input (a file staged to a local path, say) named as its
/// dataset names it, for SourceFile, the labels and the FlowID salt.
@Suite struct SourceNameTests {
    static let name = "camsurf/camsurf_browse_1.pcap"

    /// The browse capture in a dataset folder, and the same bytes staged elsewhere.
    static func write(in root: String) throws -> (dataset: String, staged: String) {
        let bytes = PcapWriter.classic(Fixtures.browse())
        try bytes.write(toFile: root + "/data/" + name)
        try bytes.write(toFile: root + "/stage/tmp123/x.pcap")
        return (root + "/data", root + "/stage/tmp123/x.pcap")
    }

    @Test func sourceFileAndTemplateLabelsComeFromTheName() async throws {
        let root = try makeScratchFolder("source-name")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (_, staged) = try Self.write(in: root)

        // Default template {AppName}_{AppAction}: the staged file's own name (x) has no labels.
        let plain = try await FlowCSV.run([staged], in: root)
        let plainCSV = try #require(plain.csv)
        #expect(plainCSV.rows.map { $0["AppName"] } == ["", ""])

        let named = try await FlowCSV.run(["--source-name", Self.name, staged], in: root)
        #expect(named.status == 0)
        let csv = try #require(named.csv)
        #expect(csv.rows.count == 2)
        #expect(csv.rows.map { $0["SourceFile"] } == [Self.name, Self.name])
        #expect(csv.rows.map { $0["AppName"] } == ["camsurf", "camsurf"])
        #expect(csv.rows.map { $0["AppAction"] } == ["browse", "browse"])
        #expect(!named.stderr.contains("tmp123"), "the staged path appears nowhere")

        // The folder template reads NAME's folders.
        let folder = try await FlowCSV.run(["--source-name", Self.name, "--label-template", "{AppName}/*", staged], in: root)
        #expect(try #require(folder.csv).rows.map { $0["AppName"] } == ["camsurf", "camsurf"])

        // --label-regex sees NAME as the path relative to the input folder.
        let regex = try await FlowCSV.run(["--source-name", Self.name, "--label-regex", "^(?<Dir>[^/]+)/", staged], in: root)
        #expect(try #require(regex.csv).rows.map { $0["Dir"] } == ["camsurf", "camsurf"])
    }

    @Test func flowIDsEqualTheFolderRunsForTheSameRelativeName() async throws {
        let root = try makeScratchFolder("source-name-ids")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (dataset, staged) = try Self.write(in: root)

        for (schema, column) in [("extended", "FlowID"), ("zeek", "uid")] {
            let folder = try await FlowCSV.run(["--schema", schema, dataset], in: root)
            let named = try await FlowCSV.run(["--schema", schema, "--source-name", Self.name, staged], in: "/")
            let other = try await FlowCSV.run(["--schema", schema, "--source-name", "other/name.pcap", staged], in: "/")
            let folderIDs = try #require(folder.csv).rows.map { $0[column] }
            let namedIDs = try #require(named.csv).rows.map { $0[column] }
            let otherIDs = try #require(other.csv).rows.map { $0[column] }
            #expect(folderIDs.count == 2 && folderIDs.allSatisfy { !$0.isEmpty })
            #expect(namedIDs == folderIDs, "\(column): the salt is the name, not the path")
            #expect(Set(otherIDs).isDisjoint(with: folderIDs), "\(column): another name, other ids")
            #expect(named.stdout == folder.stdout, "\(schema): the staged run is the folder run, byte for byte")
        }
    }

    @Test func onlyForASingleFile() async throws {
        let root = try makeScratchFolder("source-name-usage")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (dataset, staged) = try Self.write(in: root)

        let two = try await FlowCSV.run(["--source-name", "n.pcap", staged, staged], in: root)
        #expect(two.status == FlowCSV.usageExitCode)
        #expect(two.stdout.isEmpty)
        let folder = try await FlowCSV.run(["--source-name", "n.pcap", dataset], in: root)
        #expect(folder.status == FlowCSV.usageExitCode)
        #expect(folder.stdout.isEmpty)
        #expect(folder.errorLines.count == 1 && folder.errorLines[0].contains("--source-name"))
        let empty = try await FlowCSV.run(["--source-name", "", staged], in: root)
        #expect(empty.status == FlowCSV.usageExitCode)
    }
}
