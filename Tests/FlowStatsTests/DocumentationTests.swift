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
        case .full, .cic, .cic2017, .cic2018: "docs/features.md"
        }
    }

    @Test(arguments: Schema.allCases)
    func everyColumnIsDocumented(_ schema: Schema) throws {
        let file = Self.document(of: schema)
        let doc = try String(contentsOf: Self.root.appendingPathComponent(file), encoding: .utf8)
        for column in schema.columns {
            switch schema {
            case .cic2017:  // in the mapping table, quoted (leading spaces)
                #expect(doc.contains("`\"\(column.name)\"`"), "\(file) does not map \(column.name)")
            case .cic2018:
                #expect(doc.contains("| `\(column.name)` |"), "\(file) does not map \(column.name)")
            case .full, .cic:
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
        let columns = Set((Schema.full.columns + Schema.cic.columns).map(\.name))
        let tables = doc.components(separatedBy: "## Name mapping")[0]
            .components(separatedBy: "## `--schema full`").dropFirst().joined()
        var documented = 0
        for line in tables.split(separator: "\n") where line.hasPrefix("| `") {
            let name = line.dropFirst(3).prefix { $0 != "`" }
            #expect(columns.contains(String(name)), "docs/features.md documents \(name), which no schema has")
            documented += 1
        }
        #expect(documented == Schema.full.columns.count + Schema.cic.columns.count)
    }

    @Test func readmeListsTheBasicHeader() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let header = Schema.basic.columns.map(\.name).joined(separator: ",")
        #expect(readme.contains(header))
    }
}
