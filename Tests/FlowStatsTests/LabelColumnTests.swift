@testable import FlowStats
import FlowStatsTestSupport
import Foundation
import Testing

/// How label columns reach the rows: appended after a schema's columns, and the `Label` column
/// a schema has (CIC's) filled through `FileContext.writeLabel`. The schemas with a `Label`
/// column are built here as basic + one `Label` column (CIC's come from another branch).
/// Expected fields follow from the rule text and the hand-built flows.
@Suite struct LabelColumnTests {
    /// Two flows from 10.0.0.1 to 10.0.0.2: TCP :80 with a SYN only (t = 1), UDP :53 (t = 2).
    static let records = [tcpFrame(1, fromClient: true, [.syn])] + [udpFrame(2, fromClient: true, payload: 10)]

    /// basic, then a `Label` column under `name` writing the flow's label.
    static func schemaWithLabel(_ name: String = "Label") -> OutputLayout {
        OutputLayout(Schema.basic.layout(), appending: [Column(name, "the flow's label") { r, c, o in c.writeLabel(r, to: o) }],
                     requiring: [])
    }

    /// The header and, per flow in order of first packet, the fields after basic's 22 columns.
    static func write(_ options: LabelOptions, base: OutputLayout, appName: String = "app") throws -> (header: [String], rows: [[String]]) {
        let layout = options.layout(base)
        let flows = try runFinishedFlows(records).flows
        var labels = FileLabels()
        labels.appName = appName
        labels.extra = options.perFileColumns.map { name in options.constants.first { $0.name == name }?.value ?? "" }
        let context = FileContext(sourceFile: "f.pcap", appName: appName, appAction: "",
                                  labels: options.isEmpty ? FileLabelFields() : FileLabelFields(labels, options: options))
        let out = CSVBuffer()
        layout.writeRows(flows, file: context, to: out)
        let basic = Schema.basic.columns.count
        // Rows come in key order; StartTime (the first field, same width here) gives time order.
        let rows = String(decoding: out.bytes, as: UTF8.self).split(separator: "\n")
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            .sorted { $0[0] < $1[0] }
            .map { Array($0.dropFirst(basic)) }
        #expect(rows.count == 2)
        return (layout.columns.dropFirst(basic).map(\.name), rows)
    }

    @Test func withoutLabelOptionsTheLabelIsAppNameAndNothingIsAdded() throws {
        let options = LabelOptions()
        let base = Schema.basic.layout()
        #expect(options.layout(base).columns.count == base.columns.count)
        #expect(options.layout(base).requirements == [], "basic keeps no feature group")
        let (header, rows) = try Self.write(options, base: Self.schemaWithLabel())
        #expect(header == ["Label"])
        #expect(rows == [["app"], ["app"]])
    }

    @Test func rulesFillTheSchemasLabelColumn() throws {
        var options = LabelOptions()
        options.rules = try LabelRules(text: "default BENIGN\nproto=udp -> DNS\n", path: "r")
        let (header, rows) = try Self.write(options, base: Self.schemaWithLabel())
        #expect(header == ["Label"], "no second Label column")
        #expect(rows == [["BENIGN"], ["DNS"]])
        // CIC-IDS2017 spells it " Label".
        let spaced = try Self.write(options, base: Self.schemaWithLabel(" Label"))
        #expect(spaced.header == [" Label"])
        #expect(spaced.rows == [["BENIGN"], ["DNS"]])
    }

    @Test func withoutADefaultLineAnUnmatchedFlowGetsAppName() throws {
        var options = LabelOptions()
        options.rules = try LabelRules(text: "proto=udp -> DNS\n", path: "r")
        #expect(try Self.write(options, base: Self.schemaWithLabel()).rows == [["app"], ["DNS"]])
        // As an appended column (basic has no Label) the default is empty.
        let appended = try Self.write(options, base: Schema.basic.layout())
        #expect(appended.header == ["Label"])
        #expect(appended.rows == [[""], ["DNS"]])
    }

    @Test func aPerFileLabelFillsItAndARulesColumnOfAnotherNameIsAppended() throws {
        var options = LabelOptions()
        options.constants = [("Label", "Malware")]
        #expect(try Self.write(options, base: Self.schemaWithLabel()).rows == [["Malware"], ["Malware"]])
        #expect(throws: Never.self) { try options.validate(schemaColumns: Self.schemaWithLabel().columns.map(\.name)) }

        options.constants = []
        options.rules = try LabelRules(text: "column Attack\ndefault none\nproto=tcp attempted -> PortScan\n", path: "r")
        let (header, rows) = try Self.write(options, base: Self.schemaWithLabel())
        #expect(header == ["Label", "Attack"])
        #expect(rows == [["app", "PortScan - Attempted"], ["app", "none"]], "the SYN-only TCP flow sent no payload")
    }

    @Test func anAttemptedRuleKeepsTheClientPayloadGroup() throws {
        var options = LabelOptions()
        options.rules = try LabelRules(text: "proto=tcp -> T\n", path: "r")
        #expect(options.layout(Schema.basic.layout()).requirements == [], "no attempted rule: no group")
        options.rules = try LabelRules(text: "proto=tcp attempted -> T\n", path: "r")
        #expect(options.layout(Schema.basic.layout()).requirements == .sizeTiming)
        let (_, rows) = try Self.write(options, base: Schema.basic.layout())
        #expect(rows == [["T - Attempted"], [""]])
    }

    @Test func appNameIsAppendedWhenTheSchemaLacksItAndAnOptionSetsIt() throws {
        var options = LabelOptions()
        options.constants = [("AppName", "zoom"), ("Site", "lab")]
        let labelOnly = OutputLayout(Schema.basic.layout(), appending: [], requiring: [])
        #expect(options.appendedColumns(schemaColumns: labelOnly.columns.map(\.name)) == ["Site"], "basic has AppName")
        #expect(options.appendedColumns(schemaColumns: ["Flow ID", " Label"]) == ["Site", "AppName"])
        options.constants = [("Site", "lab")]
        #expect(options.appendedColumns(schemaColumns: ["Flow ID", " Label"]) == ["Site"], "the template's AppName is not added")
    }
}
