@testable import FlowStats
import FlowStatsTestSupport
import Foundation
import Testing

/// The CIC layouts: exact header lines from ../shared/docs/headers, every name resolved, the
/// variants' values equal to `cic`'s column for column; `--drop-identifiers` in every schema.
@Suite struct CICSchemaTests {
    static let headers = URL(fileURLWithPath: SharedCorpus.path).deletingLastPathComponent()
        .appendingPathComponent("docs/headers").path
    static let headersPresent = FileManager.default.fileExists(atPath: headers + "/cicflowmeter-master.txt")

    static func lines(_ file: String) throws -> [String] {
        try String(contentsOfFile: headers + "/" + file, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    static func header(_ schema: Schema, _ options: ColumnOptions = ColumnOptions()) -> String {
        var out = CSVBuffer()
        schema.layout(options).writeHeader(to: &out)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    // Skipped without the shared docs (the header files are CIC's, not the repository's).
    @Test(.enabled(if: headersPresent, "../shared/docs/headers is absent"))
    func headerLinesEqualTheDatasets() throws {
        let master = try Self.lines("cicflowmeter-master.txt")
        let y2018 = try Self.lines("cse-cic-ids2018.txt")
        let y2017 = try JSONDecoder().decode([String].self, from: Data(contentsOf: URL(fileURLWithPath: Self.headers + "/cic-ids2017.json")))
        #expect(master.count == 84 && y2018.count == 84 && y2017.count == 85)
        #expect(Schema.cicMasterNames == master)
        #expect(Self.header(.cic) == master.joined(separator: ",") + "\n")
        #expect(Self.header(.cic2018) == y2018.joined(separator: ",") + "\n")
        // Leading spaces kept, and " Fwd Header Length" twice. None of the names needs CSV quoting.
        #expect(Self.header(.cic2017) == y2017.joined(separator: ",") + "\n")
        #expect(y2017.filter { $0 == " Fwd Header Length" }.count == 2)
    }

    @Test func everyNameResolves() {
        #expect(Schema.resolveCIC(Schema.cicMasterNames).missing.isEmpty)
        #expect(Schema.cic.columns.count == 84)
        for variant in [Schema.cic2017Names, Schema.cic2018Names] {
            #expect(variant.allSatisfy { Schema.cicPoolByName[$0.master] != nil })
        }
        #expect(Schema.cic2017.columns.count == 85 && Schema.cic2018.columns.count == 84)
        #expect(Schema.resolveCIC(["Flow ID", "No Such Column"]).missing == ["No Such Column"])
    }

    /// Each variant's row equals cic's row with the variant's names (the repeated 2017 column too).
    @Test func variantValuesEqualCIC() throws {
        let cic = try MLFeatureTests.table(.cic)
        for (schema, names) in [(Schema.cic2017, Schema.cic2017Names), (.cic2018, Schema.cic2018Names)] {
            let variant = try MLFeatureTests.table(schema)
            #expect(variant.header == names.map(\.name))
            try #require(variant.rows.count == cic.rows.count)
            for (v, c) in zip(variant.rows, cic.rows) {
                for entry in names { #expect(v[entry.name] == c[entry.master], "\(schema) \(entry.name)") }
            }
        }
    }

    /// `--drop-identifiers` removes exactly the identifier columns: addresses, ports, times, ids.
    @Test(arguments: Schema.allCases)
    func dropIdentifiers(_ schema: Schema) throws {
        var options = ColumnOptions()
        options.dropIdentifiers = true
        let all = schema.layout().columns.map(\.name)
        let kept = schema.layout(options).columns.map(\.name)
        let identifiers: Set<String> = [
            "StartTime", "ClientIP", "ClientPort", "ServerIP", "ServerPort", "SourceFile", "TunnelParent",
            "VLAN", "FlowID", "TunnelParentIDs",
            "ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "tunnel_parents",
            "Flow ID", "Src IP", "Src Port", "Dst IP", "Dst Port", "Timestamp",
            " Source IP", " Source Port", " Destination IP", " Destination Port", " Timestamp",
            "id", "src_ip", "src_mac", "src_oui", "src_port", "dst_ip", "dst_mac", "dst_oui", "dst_port",
            "bidirectional_first_seen_ms", "bidirectional_last_seen_ms", "src2dst_first_seen_ms",
            "src2dst_last_seen_ms", "dst2src_first_seen_ms", "dst2src_last_seen_ms", "vlan_id", "tunnel_id",
        ]
        #expect(kept == all.filter { !identifiers.contains($0) })
        #expect(kept.count < all.count)
        #expect(Self.header(schema, options) == kept.joined(separator: ",") + "\n" || kept.contains { $0.contains(",") })
        // The rows have as many fields as the header.
        let (header, rows) = try MLFeatureTests.table(schema, dropIdentifiers: true)
        #expect(header == kept && !rows.isEmpty)
    }
}
