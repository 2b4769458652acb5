import FlowStats
import Foundation
import Testing

/// The docs must match the behaviour: every column of every schema is documented.
@Suite struct DocumentationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The ML schemas are documented in docs/features.md, the others in docs/columns.md.
    static func document(of schema: Schema) -> String {
        switch schema {
        case .basic, .extended, .zeek: "docs/columns.md"
        case .full, .cic, .cic2017, .cic2018, .nfstream: "docs/features.md"
        }
    }

    /// The columns a schema's docs list (nfstream's with its splt lists, as `--splt 10`).
    static func documentedColumns(_ schema: Schema) -> [Column] {
        var options = ColumnOptions()
        if schema == .nfstream { options.firstPackets = 10 }
        return schema.layout(options).columns
    }

    @Test(arguments: Schema.allCases)
    func everyColumnIsDocumented(_ schema: Schema) throws {
        let file = Self.document(of: schema)
        let doc = try String(contentsOf: Self.root.appendingPathComponent(file), encoding: .utf8)
        for column in Self.documentedColumns(schema) {
            switch schema {
            case .cic2017:  // in the mapping table, quoted (leading spaces)
                #expect(doc.contains("`\"\(column.name)\"`"), "\(file) does not map \(column.name)")
            case .cic2018:
                #expect(doc.contains("| `\(column.name)` |"), "\(file) does not map \(column.name)")
            case .full, .cic, .nfstream:
                #expect(doc.contains("| `\(column.name)` | \(column.meaning) |"), "\(file) does not document \(column.name) as its meaning says")
            case .basic, .extended, .zeek:
                #expect(doc.contains("| `\(column.name)` |"), "\(file) does not document \(column.name)")
            }
        }
    }

    /// And the other way round: every column docs/features.md documents (its `| `Name` | … |`
    /// rows before the mapping table) is a column of full or cic.
    @Test func featuresDocumentsNoOtherColumns() throws {
        let doc = try String(contentsOf: Self.root.appendingPathComponent("docs/features.md"), encoding: .utf8)
        let listed = [Schema.full, .cic, .nfstream].flatMap(Self.documentedColumns)
        let columns = Set(listed.map(\.name))
        let tables = doc.components(separatedBy: "## Name mapping")[0]
            .components(separatedBy: "## `--schema full`").dropFirst().joined()
        var documented = 0
        for line in tables.split(separator: "\n") where line.hasPrefix("| `") {
            let name = line.dropFirst(3).prefix { $0 != "`" }
            #expect(columns.contains(String(name)), "docs/features.md documents \(name), which no schema has")
            documented += 1
        }
        #expect(documented == listed.count)
    }

    /// The NFStream → full table names every NFStream column once, and each `full` name it
    /// gives (the first word of its second cell, when that is a name) is a column of `full`.
    @Test func nfstreamMappingCoversEveryColumn() throws {
        let doc = try String(contentsOf: Self.root.appendingPathComponent("docs/features.md"), encoding: .utf8)
        let section = try #require(doc.components(separatedBy: "## NFStream name → flowcsv `full` name").last)
        var mapped: [String] = []
        let full = Set(Schema.full.columns.map(\.name))
        for line in section.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            mapped.append(String(cells[0].dropFirst().dropLast()))
            let target = cells[1].split(separator: " ").first.map(String.init) ?? ""
            if target.first?.isUppercase == true && target.allSatisfy({ $0.isLetter || $0.isNumber }) {
                #expect(full.contains(target), "\(cells[0]) maps to \(target), which full does not have")
            }
        }
        #expect(mapped == Self.documentedColumns(.nfstream).map(\.name))
    }

    @Test func readmeListsTheBasicHeader() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let header = Schema.basic.columns.map(\.name).joined(separator: ",")
        #expect(readme.contains(header))
    }
}
