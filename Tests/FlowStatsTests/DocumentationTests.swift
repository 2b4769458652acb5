import FlowStats
import Foundation
import Testing

/// The docs must match the behaviour: every column of every schema is documented.
@Suite struct DocumentationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: Schema.allCases)
    func everyColumnIsDocumented(_ schema: Schema) throws {
        let doc = try String(contentsOf: Self.root.appendingPathComponent("docs/columns.md"), encoding: .utf8)
        for column in schema.columns {
            #expect(doc.contains("| `\(column.name)` |"), "docs/columns.md does not document \(column.name)")
        }
    }

    @Test func readmeListsTheBasicHeader() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let header = Schema.basic.columns.map(\.name).joined(separator: ",")
        #expect(readme.contains(header))
    }
}
